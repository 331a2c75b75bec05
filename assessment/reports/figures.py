"""The half year's figures for a township or a county, read in grouped queries within a user's scope.

The compliance figures (agreements signed, talents active every month, joint meetings held) are
the compliance board's own (ledgers.compliance.rule_figures), so the report and the board cannot
disagree. Everything else is one grouped query per figure, keyed by township, village, pairing
or talent; the detail sheets then stream their rows from database iterators.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from ledgers import compliance
from ledgers.choices import ActivityStatus, DemandStatus
from ledgers.compliance import Period
from ledgers.models import ActivityParticipant, Demand, ServiceActivity
from ledgers.periods import aware_bounds, half_year_range, next_month
from pairing.choices import ProjectStatus
from pairing.models import AgreementProjectItem, Pairing, Township, Village

SUMMARY_RULES = ("agreements", "talents", "meetings")


@dataclass(frozen=True)
class Scope:
    """Who reads (every query is visible_to them), which half year, and optionally one township."""

    user: object
    year: int
    half: int
    township_id: int | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def period(self) -> Period:
        return Period("half", self.year, self.half)

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return half_year_range(self.year, self.half)

    @property
    def months(self) -> list[datetime.date]:
        """All six months of the half (the sheets show every month, even those still to come)."""
        first, months = self.bounds[0], []
        for _ in range(6):
            months.append(first)
            first = next_month(first)
        return months

    def townships(self):
        queryset = Township.objects.visible_to(self.user).select_related("county").order_by("code")
        return queryset.filter(pk=self.township_id) if self.township_id else queryset

    def narrow(self, queryset, path: str):
        """`queryset` limited to the chosen township (`path` leads from a row to its township id)."""
        return queryset.filter(**{path: self.township_id}) if self.township_id else queryset


def as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def rate(done: int, total: int) -> float | None:
    """A share for a percent cell (0.5 shows as 50.0%), None without a denominator."""
    return done / total if total else None


@dataclass
class TownshipRow:
    township: Township
    villages: int = 0
    pairings: int = 0
    agreements_signed: int = 0
    talents: int = 0
    talents_active: int = 0
    activities: int = 0
    hours: Decimal = Decimal("0")
    demands: int = 0
    demands_resolved: int = 0
    projects: int = 0
    projects_completed: int = 0
    investment: Decimal = Decimal("0")
    meetings_due: int = 0
    meetings_held: int = 0

    @property
    def agreement_rate(self):
        return rate(self.agreements_signed, self.pairings)

    @property
    def active_rate(self):
        return rate(self.talents_active, self.talents)

    @property
    def resolution_rate(self):
        return rate(self.demands_resolved, self.demands)


def _by_township(queryset, path: str, **aggregates) -> dict:
    return {row["t"]: row for row in queryset.order_by().values(t=F(path)).annotate(**aggregates)}


def confirmed_activities(scope: Scope):
    start, end = scope.bounds
    queryset = ServiceActivity.objects.visible_to(scope.user).filter(
        date__gte=start, date__lt=end, status=ActivityStatus.CONFIRMED
    )
    return scope.narrow(queryset, "village__township_id")


def participants(scope: Scope):
    start, end = scope.bounds
    queryset = ActivityParticipant.objects.visible_to(scope.user).filter(
        activity__date__gte=start, activity__date__lt=end, activity__status=ActivityStatus.CONFIRMED
    )
    return scope.narrow(queryset, "activity__village__township_id")


def demands(scope: Scope):
    start, end = aware_bounds(*scope.bounds)
    queryset = Demand.objects.visible_to(scope.user).filter(published_at__gte=start, published_at__lt=end)
    return scope.narrow(queryset, "village__township_id")


def projects(scope: Scope):
    """Projects of the year's agreements whose planned span overlaps the half year."""
    start, end = scope.bounds
    queryset = AgreementProjectItem.objects.visible_to(scope.user).filter(
        agreement__year=scope.year, start_date__lt=end, end_date__gte=start
    )
    return scope.narrow(queryset.exclude(status=ProjectStatus.CANCELLED), "agreement__pairing__village__township_id")


def villages(scope: Scope):
    return scope.narrow(Village.objects.visible_to(scope.user), "township_id")


def pairings(scope: Scope):
    return scope.narrow(Pairing.objects.active_in(scope.year).visible_to(scope.user), "village__township_id")


def summary(scope: Scope) -> list[TownshipRow]:
    """One row per township in scope: a fixed number of grouped queries, whatever the county's size."""
    rows = {t.pk: TownshipRow(t) for t in scope.townships()}
    for t, row in _by_township(villages(scope), "township_id", n=Count("pk")).items():
        if t in rows:
            rows[t].villages = row["n"]
    for code in SUMMARY_RULES:
        figures = compliance.rule_figures(scope.user, compliance.RULES[code], scope.period, scope.today)
        for figure in figures.townships:
            row = rows.get(figure.township_id)
            if row is None:
                continue
            if code == "agreements":
                row.pairings, row.agreements_signed = figure.total, figure.done
            elif code == "talents":
                row.talents, row.talents_active = figure.total, figure.done
            else:
                row.meetings_due, row.meetings_held = figure.total, figure.done
    for t, g in _by_township(confirmed_activities(scope), "village__township_id", n=Count("pk")).items():
        if t in rows:
            rows[t].activities = g["n"]
    for t, g in _by_township(participants(scope), "activity__village__township_id", h=Sum("hours")).items():
        if t in rows:
            rows[t].hours = g["h"] or Decimal("0")
    resolved = Count("pk", filter=Q(status=DemandStatus.RESOLVED))
    for t, g in _by_township(demands(scope), "village__township_id", n=Count("pk"), done=resolved).items():
        if t in rows:
            rows[t].demands, rows[t].demands_resolved = g["n"], g["done"]
    done = Count("pk", filter=Q(status=ProjectStatus.COMPLETED))
    grouped = _by_township(
        projects(scope),
        "agreement__pairing__village__township_id",
        n=Count("pk"),
        done=done,
        m=Sum("planned_investment"),
    )
    for t, g in grouped.items():
        if t in rows:
            rows[t].projects, rows[t].projects_completed = g["n"], g["done"]
            rows[t].investment = g["m"] or Decimal("0")
    return list(rows.values())


def activities_by_month(scope: Scope, key: str = "village_id") -> dict:
    """{(village id, month): confirmed activities} for the half year, one grouped query."""
    # One conditional count per month rather than grouping by a truncated date: plain comparisons on
    # the indexed date, where SQLite would call a Python function per activity for the truncation.
    months = scope.months
    bounds = [*months[1:], next_month(months[-1])]
    counts = {
        f"m{i}": Count("pk", filter=Q(date__gte=first, date__lt=after))
        for i, (first, after) in enumerate(zip(months, bounds, strict=True))
    }
    grouped = confirmed_activities(scope).order_by().values(key).annotate(**counts)
    return {(g[key], m): g[f"m{i}"] for g in grouped for i, m in enumerate(months) if g[f"m{i}"]}


def counts_by(queryset, key: str, **aggregates) -> dict:
    return {row[key]: row for row in queryset.order_by().values(key).annotate(**aggregates)}


def joined(pairs) -> dict:
    """[(key, text), …] → {key: "text、text"} (several units or heads in one cell)."""
    out = defaultdict(list)
    for key, text in pairs:
        out[key].append(text)
    return {key: "、".join(texts) for key, texts in out.items()}


def _confirmed_scores(scope: Scope, subject_type: str):
    """The half year's scores of confirmed (or published) quarters, in the reader's scope."""
    from ..choices import RollupState
    from ..models import Score

    quarters = (1, 2) if scope.half == 1 else (3, 4)
    return Score.objects.visible_to(scope.user).filter(
        subject_type=subject_type,
        rollup__year=scope.year,
        rollup__quarter__in=quarters,
        rollup__state__in=(RollupState.CONFIRMED, RollupState.PUBLISHED),
    )


def points_and_grades(scope: Scope):
    """The points and grades columns of 汇总, per township: its own points for the half year, its
    villages' and talents' average points (confirmed quarters only), and, in the second half, the
    county's confirmed annual grades of the talents serving there. None when nothing is confirmed."""
    from ..choices import GradeLevel, GradingState, SubjectType
    from ..models import Grade

    own = dict(
        _confirmed_scores(scope, SubjectType.TOWNSHIP)
        .values("township")
        .annotate(s=Sum("total"))
        .values_list("township", "s")
    )

    def average(subject_type: str, key: str) -> dict:
        per_subject = defaultdict(Decimal)
        township_of = {}
        for township, subject, total in _confirmed_scores(scope, subject_type).values_list("in_township", key, "total"):
            per_subject[subject] += total
            township_of[subject] = township
        sums, counts = defaultdict(Decimal), defaultdict(int)
        for subject, total in per_subject.items():
            sums[township_of[subject]] += total
            counts[township_of[subject]] += 1
        return {t: (sums[t] / counts[t]).quantize(Decimal("0.01")) for t in sums}

    villages, talents = average(SubjectType.VILLAGE, "village"), average(SubjectType.TALENT, "talent")
    grades: dict = defaultdict(lambda: defaultdict(int))
    if scope.half == 2:
        confirmed = Grade.objects.visible_to(scope.user).filter(
            round__year=scope.year, round__state=GradingState.CONFIRMED
        )
        for township, grade, n in (
            confirmed.values("township", "grade").annotate(n=Count("pk")).values_list("township", "grade", "n")
        ):
            grades[township][grade] = n
    if not (own or villages or talents or grades):
        return None
    headers = ["乡镇积分", "村平均积分", "人才平均积分"]
    levels = (GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.POOR)
    if scope.half == 2:
        headers += [f"年度{GradeLevel(level).label}（人）" for level in levels]
    cells = {}
    for township in {*own, *villages, *talents, *grades}:
        row = [own.get(township, ""), villages.get(township, ""), talents.get(township, "")]
        if scope.half == 2:
            row += [grades[township].get(level, 0) if township in grades else "" for level in levels]
        cells[township] = row
    return headers, cells


def talent_points(scope: Scope) -> dict:
    """{talent id: points over the half year's confirmed quarters} in the reader's scope."""
    from ..choices import SubjectType

    rows = _confirmed_scores(scope, SubjectType.TALENT).order_by().values("talent").annotate(s=Sum("total"))
    return {row["talent"]: row["s"] for row in rows}
