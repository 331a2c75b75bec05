"""The dashboard's figures: each chart is a small table (categories × series) read in grouped queries
within the user's scope, shown as an ECharts chart, as an HTML table under it, and as Excel.

The talent, agreement and meeting figures are the compliance board's (ledgers.compliance), so the
dashboard, the board and the half-year report show the same numbers.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce, Floor, TruncMonth

from ledgers import compliance
from ledgers.choices import DemandStatus
from ledgers.models import Demand, LedgerMonth
from ledgers.models.service_months import month_bit
from ledgers.periods import aware_bounds, half_of, next_month
from pairing.models import County, TalentAssignment, Township


@dataclass
class Chart:
    code: str
    title: str
    kind: str  # "line" | "bar"
    categories: list[str]
    series: list[dict] = field(default_factory=list)  # [{"name": ..., "data": [...]}]
    percent: bool = False
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return ["", *self.categories]

    @property
    def rows(self) -> list[list]:
        return [[s["name"], *s["data"]] for s in self.series]

    def option(self) -> dict:
        """The ECharts option (plain data; the page's script adds nothing but the renderer)."""
        return {
            "tooltip": {"trigger": "axis"},
            "legend": {"type": "scroll", "bottom": 0},
            "grid": {"left": 48, "right": 16, "top": 24, "bottom": 48},
            "xAxis": {"type": "category", "data": self.categories},
            "yAxis": {
                "type": "value",
                **({"max": 100, "axisLabel": {"formatter": "{value}%"}} if self.percent else {}),
            },
            "series": [{"name": s["name"], "type": self.kind, "data": s["data"]} for s in self.series],
        }


@dataclass(frozen=True)
class Lens:
    """What the per-area charts are drawn by: a county's (or township's) townships, or, for a
    city-wide user, the counties until one county is chosen (150 townships are not a chart)."""

    by: str = "township"  # "township" | "county"
    county_id: int | None = None

    def group(self, village_path: str) -> str:
        """The grouping key from a path ending at a village (`village` → `village__township_id`)."""
        return f"{village_path}__township_id" if self.by == "township" else f"{village_path}__township__county_id"

    def narrow(self, queryset, village_path: str = "village"):
        if self.county_id is None:
            return queryset
        return queryset.filter(**{f"{village_path}__township__county_id": self.county_id})

    @property
    def label(self) -> str:
        return "按乡镇" if self.by == "township" else "按县区"


TOWNSHIPS = Lens()


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    months = [first]
    for _ in range(count - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def _pct(done, total):
    return round(100 * done / total, 1) if total else None


def activity_trend(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    """Confirmed activities per month, summed from the village months' counts
    (LedgerMonth.confirmed_activities, scoped as the activities are for the dashboard's roles)."""
    months = _months_back(today, 12)
    grouped = (
        lens.narrow(LedgerMonth.objects.visible_to(user))
        .filter(month__gte=months[0], month__lte=months[-1])
        .order_by()
        .values("month")
        .annotate(n=Sum("confirmed_activities"))
    )
    counts = {g["month"]: g["n"] for g in grouped}
    return Chart(
        "activity_trend",
        "近12个月服务活动（次）",
        "line",
        [f"{m.year}年{m.month}月" for m in months],
        [{"name": "经确认的服务活动", "data": [counts.get(m, 0) for m in months]}],
    )


def _areas(user, lens: Lens) -> list[tuple[int, str]]:
    """The chart's categories in code order: the user's townships (of the chosen county), or counties."""
    if lens.by == "county":
        return list(County.objects.visible_to(user).order_by("code").values_list("pk", "name"))
    townships = Township.objects.visible_to(user)
    if lens.county_id is not None:
        townships = townships.filter(county_id=lens.county_id)
    return list(townships.order_by("code").values_list("pk", "name"))


def talents_active(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    """Per township (or county) and month of this year: talents with a confirmed service / talents
    assigned, from each assigned talent's months of service (ledgers.TalentServiceYear), one grouped query."""
    months = [datetime.date(today.year, m, 1) for m in range(1, today.month + 1)]
    rows = (
        lens.narrow(TalentAssignment.objects.visible_to(user))
        .filter(year=today.year)
        .alias(
            served=FilteredRelation("talent__service_years", condition=Q(talent__service_years__year=today.year)),
            bits=Coalesce(F("served__months"), 0),
            **{f"m{m.month}": F("bits").bitand(month_bit(m)) for m in months},
        )
        .order_by()
        .values(t=F(lens.group("village")))
        .annotate(n=Count("pk"), **{f"s{m.month}": Count("pk", filter=~Q(**{f"m{m.month}": 0})) for m in months})
    )
    by_township = {row["t"]: row for row in rows}
    series = [
        {"name": name, "data": [_pct(by_township[pk][f"s{m.month}"], by_township[pk]["n"]) for m in months]}
        for pk, name in _areas(user, lens)
        if by_township.get(pk, {}).get("n")
    ]
    return Chart(
        "talents_active",
        f"每月参加服务的人才占比（{lens.label}）",
        "line",
        [f"{m.month}月" for m in months],
        series,
        True,
    )


def demand_resolution(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    start, end = aware_bounds(datetime.date(today.year, 1, 1), datetime.date(today.year + 1, 1, 1))
    demands = lens.narrow(Demand.objects.visible_to(user)).filter(published_at__gte=start, published_at__lt=end)
    grouped = (
        demands.order_by()
        .values(t=F(lens.group("village")))
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=DemandStatus.RESOLVED)))
    )
    by_township = {g["t"]: g for g in grouped}
    names = [(pk, name) for pk, name in _areas(user, lens) if pk in by_township]
    return Chart(
        "demand_resolution",
        f"{today.year}年需求解决率（{lens.label}）",
        "bar",
        [name for _, name in names],
        [
            {"name": "解决率", "data": [_pct(by_township[pk]["done"], by_township[pk]["n"]) for pk, _ in names]},
        ],
        True,
    )


def demand_trend(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    months = _months_back(today, 12)
    start, end = aware_bounds(months[0], next_month(months[-1]))
    grouped = (
        lens.narrow(Demand.objects.visible_to(user))
        .filter(published_at__gte=start, published_at__lt=end)
        .annotate(m=TruncMonth("published_at"))
        .order_by()
        .values("m")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=DemandStatus.RESOLVED)))
    )
    data = {(g["m"].date() if isinstance(g["m"], datetime.datetime) else g["m"]): g for g in grouped}
    return Chart(
        "demand_trend",
        "需求解决率（按发布月份）",
        "line",
        [f"{m.year}年{m.month}月" for m in months],
        [{"name": "解决率", "data": [_pct(data[m]["done"], data[m]["n"]) if m in data else None for m in months]}],
        True,
    )


def _rule_chart(user, today, lens, code, period, title, done_label, total_label) -> Chart:
    figures = compliance.rule_figures(user, compliance.RULES[code], period, today, county_id=lens.county_id, by=lens.by)
    return Chart(
        code,
        title,
        "bar",
        [t.township for t in figures.townships],
        [
            {"name": done_label, "data": [t.done for t in figures.townships]},
            {"name": total_label, "data": [t.total for t in figures.townships]},
        ],
    )


def agreement_progress(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    period = compliance.Period("month", today.year, today.month)
    return _rule_chart(user, today, lens, "agreements", period, f"{today.year}年协议签订进度", "已签订", "结对关系")


def meetings_held(user, today, lens: Lens = TOWNSHIPS) -> Chart:
    period = compliance.Period("half", today.year, half_of(today))
    return _rule_chart(user, today, lens, "meetings", period, "本半年联席会议召开情况", "已召开", "应召开")


SCORE_BAND = 10  # points per bar of the distribution


def _points(value) -> str:
    """Points as a person writes them: 10, 9.5 (not 10.00), whatever the database returns."""
    from decimal import Decimal

    return f"{Decimal(str(value)).normalize():f}"


def score_distribution(user, today, lens: Lens = TOWNSHIPS) -> Chart | None:
    """The latest graded year's annual scores in bands of ten points, one series per grade, with
    the grade boundaries named under the chart. None before anyone has been graded."""
    from django.db.models import Max, Min

    from .choices import GradeLevel
    from .models import Grade

    grades = Grade.objects.visible_to(user).filter(round__year__lte=today.year).order_by()
    if lens.county_id is not None:
        grades = grades.filter(round__group__county_id=lens.county_id)
    year = grades.aggregate(y=Max("round__year"))["y"]
    if year is None:
        return None
    grades = grades.filter(round__year=year)
    # Grouped in the database (a city grades 50,000 talents): the band is floor(score / 10).
    banded = grades.annotate(band=Floor(F("annual_score") / SCORE_BAND)).values("band", "grade").annotate(n=Count("pk"))
    counts = {(int(row["band"]) * SCORE_BAND, row["grade"]): row["n"] for row in banded}
    bands = sorted({band for band, _ in counts})
    bands = list(range(bands[0], bands[-1] + SCORE_BAND, SCORE_BAND))
    series = []
    for level in (GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.POOR):
        data = [0] * len(bands)
        for (band, grade), n in counts.items():
            if grade == level:
                data[bands.index(band)] += n
        series.append({"name": GradeLevel(level).label, "data": data})
    edges = grades.aggregate(
        lowest=Min("annual_score", filter=Q(grade=GradeLevel.EXCELLENT)),
        highest=Max("annual_score", filter=Q(grade=GradeLevel.POOR)),
    )
    lowest_excellent, highest_poor = edges["lowest"], edges["highest"]
    boundaries = [
        f"优秀最低 {_points(lowest_excellent)} 分" if lowest_excellent is not None else "",
        f"差最高 {_points(highest_poor)} 分" if highest_poor is not None else "",
    ]
    return Chart(
        "score_distribution",
        f"{year}年度城市人才积分分布",
        "bar",
        [f"{band}–{band + SCORE_BAND}分" for band in bands],
        series,
        note="；".join(b for b in boundaries if b),
    )


CHARTS = (activity_trend, talents_active, demand_resolution, demand_trend, agreement_progress, meetings_held)


def charts(user, today, lens: Lens = TOWNSHIPS) -> list[Chart]:
    built = [build(user, today, lens) for build in CHARTS]
    score = score_distribution(user, today, lens)
    return built + ([score] if score else [])


BY_CODE = {
    "activity_trend": activity_trend,
    "talents_active": talents_active,
    "demand_resolution": demand_resolution,
    "demand_trend": demand_trend,
    "agreements": agreement_progress,
    "meetings": meetings_held,
    "score_distribution": score_distribution,
}


def chart(user, today, code: str, lens: Lens = TOWNSHIPS) -> Chart | None:
    """One chart (its Excel download builds that chart alone)."""
    build = BY_CODE.get(code)
    return build(user, today, lens) if build else None
