"""The compliance board: for a period and a user's scope, who is behind on each rule (DOMAIN.md
"Rules the software checks").

Pure functions over an explicit `Period` (dates in Asia/Shanghai) and `today`. Every rule starts
from a `visible_to(user)` queryset, marks each row with whether it is behind, and with one flag per
month of the period (a period has at most six) that the drill-down selects, and is then either
aggregated per township in one query (conditional `Count`) or filtered to the rows behind in one
query, so the number of queries does not grow with the number of rows. The talent and unit rules
read the monthly rollup (ledgers/models/service_months.py) rather than the activities.

A month-based rule (talents, unit contact, month close) looks at the months of the period that
have begun by `today`; a row is behind when it misses any of them, and the drill-down names the
months missed. The agreement rule looks at the period's year, and the meeting and township-report
rules at the half year that contains the period's first day.

Nobody is behind before a deadline has passed: a row that has not yet met a month still running,
or a year's or half year's rule before that period's last day, is *open* (待完成), counted apart
from the rows behind (未达标). So on the 2nd of a month the board does not call the whole county
behind for a month that has only begun.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pairing.choices import AgreementStatus, Role, TalentStatus
from pairing.models import Agreement, Pairing, TalentAssignment, Township, Village

from .choices import MeetingStatus, MonthStatus, ReportStatus
from .models import JointMeeting, LedgerMonth, TownshipHalfYearReport, UnitContactMonth
from .models.service_months import month_bit
from .periods import (
    aware_bounds,
    half_label,
    half_of,
    half_year_range,
    month_label,
    month_range,
    next_month,
    quarter_label,
    quarter_of,
    quarter_range,
)

NOTHING = Q(pk__in=[])  # a condition no row meets (no month to check, or a deadline not passed)
PERIOD_RE = re.compile(r"^(\d{4})-(?:(\d{1,2})|Q([1-4])|H([12]))$")


@dataclass(frozen=True)
class Period:
    """A month, quarter or half year: [start, end) in calendar dates."""

    kind: str  # "month" | "quarter" | "half"
    year: int
    number: int

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        if self.kind == "month":
            return month_range(datetime.date(self.year, self.number, 1))
        if self.kind == "quarter":
            return quarter_range(self.year, self.number)
        return half_year_range(self.year, self.number)

    @property
    def start(self) -> datetime.date:
        return self.bounds[0]

    @property
    def param(self) -> str:
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}"}.get(
            self.kind, f"{self.year}-H{self.number}"
        )

    @property
    def label(self) -> str:
        if self.kind == "month":
            return month_label(self.start)
        if self.kind == "quarter":
            return quarter_label(self.year, self.number)
        return half_label(self.year, self.number)

    @property
    def half(self) -> tuple[int, int]:
        """(year, half) of the half year containing the period (meetings, township reports)."""
        return self.year, half_of(self.start)

    def months(self, today: datetime.date) -> list[datetime.date]:
        """First days of the period's months that have begun by `today`."""
        start, end = self.bounds
        months, first = [], start
        while first < end and first <= today:
            months.append(first)
            first = next_month(first)
        return months


def current_period(kind: str, today: datetime.date) -> Period:
    number = {"month": today.month, "quarter": quarter_of(today), "half": half_of(today)}[kind]
    return Period(kind, today.year, number)


def parse_period(value: str, today: datetime.date) -> Period:
    """'2026-05', '2026-Q2' or '2026-H1' (empty → this month); a future period is refused."""
    value = (value or "").strip()
    if not value:
        return current_period("month", today)
    match = PERIOD_RE.match(value)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError("期间格式应为 2026-05（月）、2026-Q2（季度）或 2026-H1（半年）。", code="invalid_period")
    year, month, quarter, half = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValidationError("月份应在 1 至 12 之间。", code="invalid_period")
    if month is not None:
        period = Period("month", int(year), int(month))
    elif quarter is not None:
        period = Period("quarter", int(year), int(quarter))
    else:
        period = Period("half", int(year), int(half))
    if period.start > today:
        raise ValidationError("不能查看尚未开始的期间。", code="future_period")
    return period


def _active_pairings(user, year: int) -> QuerySet:
    return Pairing.objects.active_in(year).visible_to(user)


def _month_flags(months, condition: Callable[[datetime.date, datetime.date], QuerySet]) -> dict:
    """{"m0": Exists(...), ...}: whether the row met the rule in each month."""
    return {f"m{i}": Exists(condition(*month_range(first))) for i, first in enumerate(months)}


def _any_missed(months) -> Q:
    return NOTHING if not months else _or(Q(**{f"m{i}": False}) for i in range(len(months)))


def _or(conditions) -> Q:
    result = Q()
    for condition in conditions:
        result |= condition
    return result


# -- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    """A rule's rows for one period: the scoped queryset with its flags, and which rows are behind."""

    queryset: QuerySet
    behind: Q
    months: list = field(default_factory=list)
    open: Q = NOTHING  # not met yet, but the deadline has not passed

    @property
    def unmet(self) -> Q:
        """Not met, whether the deadline has passed (behind) or not (open): whom a reminder is for."""
        return self.behind | self.open


def _by_deadline(queryset: QuerySet, unmet: Q, deadline: datetime.date, today: datetime.date) -> Marked:
    """A rule met once per year or half year: unmet rows are open until `deadline`, then behind."""
    if today <= deadline:
        return Marked(queryset, NOTHING, open=unmet)
    return Marked(queryset, unmet)


def _marked_by_rollup(queryset: QuerySet, rollup: QuerySet, months, today: datetime.date, **keys) -> Marked:
    """Mark `queryset`'s rows from a monthly rollup keyed by `keys` (rollup column → row column).

    Behind: met in fewer of the *ended* `months` than there are, counted by one index range per
    row. Open: met every ended month but not yet the running one (the last of `months`, when it has
    not ended). The flags m0, m1, … (one per month, `Exists`) are only computed where selected, for
    the drill-down's rows.
    """
    if not months:
        return Marked(queryset, NOTHING, months)
    outer = {column: OuterRef(row_column) for column, row_column in keys.items()}
    ended = [first for first in months if next_month(first) <= today]

    def met_between(last):
        # A range, not IN (...): with the row's key it is one index range condition.
        within = rollup.filter(month__gte=months[0], month__lte=last, **outer)
        return Coalesce(Subquery(within.values(*keys).annotate(n=Count("month", distinct=True)).values("n")), 0)

    flags = {f"m{i}": Exists(rollup.filter(month=first, **outer)) for i, first in enumerate(months)}
    if len(ended) == len(months):
        marked = queryset.alias(months_met=met_between(months[-1]), **flags)
        return Marked(marked, Q(months_met__lt=len(months)), months)
    running = Exists(rollup.filter(month=months[-1], **outer))
    if not ended:
        return Marked(queryset.alias(running_met=running, **flags), NOTHING, months, open=Q(running_met=False))
    marked = queryset.alias(ended_met=met_between(ended[-1]), running_met=running, **flags)
    behind = Q(ended_met__lt=len(ended))
    return Marked(marked, behind, months, open=Q(ended_met=len(ended), running_met=False))


def talents_marked(user, period: Period, today: datetime.date) -> Marked:
    """Active talents assigned this year with no confirmed activity in a month (000 §四(四)2).

    Read from each talent's months of service in the year (TalentServiceYear, one row per talent,
    joined): asked of the activities, each month scanned the city's 2.1 million participants
    whatever the user's scope; asked of the month rows, a city's half year read 200,000 of them.
    Behind: missed one of the ended months; open: met them all but not yet the running month.
    """
    assignments = TalentAssignment.objects.visible_to(user).filter(year=period.year, talent__status=TalentStatus.ACTIVE)
    months = period.months(today)
    served = assignments.alias(
        served=FilteredRelation("talent__service_years", condition=Q(talent__service_years__year=period.year)),
        served_months=Coalesce(F("served__months"), 0),
        **{f"m{i}": F("served_months").bitand(month_bit(first)) for i, first in enumerate(months)},
    )
    if not months:
        return Marked(served, NOTHING, months)
    ended = [first for first in months if next_month(first) <= today]
    ended_bits = sum(month_bit(first) for first in ended)
    behind = ~Q(served_ended=ended_bits) if ended else NOTHING
    served = served.alias(served_ended=F("served_months").bitand(ended_bits))
    if len(ended) == len(months):
        return Marked(served, behind, months)
    open_ = Q(served_ended=ended_bits, **{f"m{len(months) - 1}": 0})
    return Marked(served, behind, months, open=open_)


def units_marked(user, period: Period, today: datetime.date) -> Marked:
    """Pairings whose unit did not contact the village in a month (000 §四(一)1): a confirmed
    activity there in which the unit took part as a whole, or a 单位联系 with one of its talents
    (as UnitContactMonth counts them), probed per pairing instead of joining the activities."""
    pairings = _active_pairings(user, period.year)
    contacts = UnitContactMonth.objects.all()
    return _marked_by_rollup(
        pairings, contacts, period.months(today), today, unit_id="unit_id", village_id="village_id"
    )


def agreements_marked(user, period: Period, today: datetime.date) -> Marked:
    """Pairings without a signed agreement for the period's year (000 §四(一)2)."""
    signed = Agreement.objects.filter(
        pairing=OuterRef("pk"), year=period.year, status__in=[AgreementStatus.SIGNED, AgreementStatus.CLOSED]
    )
    queryset = _active_pairings(user, period.year).alias(ok=Exists(signed))
    return _by_deadline(queryset, Q(ok=False), datetime.date(period.year, 12, 31), today)


def meetings_marked(user, period: Period, today: datetime.date) -> Marked:
    """Pairings without a final joint meeting in the half year (000 §四(一)3)."""
    year, half = period.half
    start, end = aware_bounds(*half_year_range(year, half))
    held = JointMeeting.objects.filter(
        pairing=OuterRef("pk"), status=MeetingStatus.FINAL, held_at__gte=start, held_at__lt=end
    )
    queryset = _active_pairings(user, year).alias(ok=Exists(held))
    return _by_deadline(queryset, Q(ok=False), meeting_deadline(period), today)


def months_marked(user, period: Period, today: datetime.date) -> Marked:
    """Villages that have not submitted a month's ledger (submitted, confirmed or locked).

    A month's ledger can only be submitted once the month is over, so only ended months count:
    the current month never makes a village look behind.
    """
    months = [first for first in period.months(today) if next_month(first) <= today]

    def submitted(start, end):
        return LedgerMonth.objects.filter(
            village=OuterRef("pk"),
            month=start,
            status__in=[MonthStatus.SUBMITTED, MonthStatus.CONFIRMED, MonthStatus.LOCKED],
        )

    queryset = Village.objects.visible_to(user).alias(**_month_flags(months, submitted))
    return Marked(queryset, _any_missed(months), months)


def reports_marked(user, period: Period, today: datetime.date) -> Marked:
    """Townships that have not submitted the half year's work report (000 §四(二)3)."""
    year, half = period.half
    done = TownshipHalfYearReport.objects.filter(
        township=OuterRef("pk"), year=year, half=half, status=ReportStatus.SUBMITTED
    )
    deadline = half_year_range(year, half)[1] - datetime.timedelta(days=1)
    return _by_deadline(Township.objects.visible_to(user).alias(ok=Exists(done)), Q(ok=False), deadline, today)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    source: str
    subject: str  # what a row is, for headings ("人才", "结对关系", …)
    mark: Callable[..., Marked]
    township: str  # lookup from the row to its township
    roles: frozenset
    related: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Callable  # (row) -> tuple of the fixed cells, before the months missed
    measure: str = "个"  # the counting word after a number of rows: "未达标 60 人"


COUNTY_TOWNSHIP = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER})
WITH_VILLAGE = COUNTY_TOWNSHIP | {Role.VILLAGE_SECRETARY}
WITH_UNIT = WITH_VILLAGE | {Role.UNIT_LIAISON}


def _pairing_cells(p):
    return (p.village.township.name, p.village.name, p.unit.name)


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "talents",
            "城市人才每月至少参加1次服务活动",
            "000 §四(四)2",
            "城市人才",
            talents_marked,
            "village__township",
            WITH_UNIT,
            ("talent__unit", "village__township"),
            ("乡镇", "服务村（社区）", "城市人才", "所在单位"),
            lambda a: (
                a.village.township.name,
                a.village.name,
                a.talent.name,
                a.talent.unit.name if a.talent.unit else "",
            ),
            measure="人",
        ),
        Rule(
            "units",
            "县直单位每月联系结对村",
            "000 §四(一)1",
            "结对关系",
            units_marked,
            "village__township",
            WITH_UNIT,
            ("unit", "village__township"),
            ("乡镇", "结对村（社区）", "县直单位"),
            _pairing_cells,
            measure="对",
        ),
        Rule(
            "agreements",
            "每年签订三清单一协议",
            "000 §四(一)2",
            "结对关系",
            agreements_marked,
            "village__township",
            WITH_UNIT,
            ("unit", "village__township"),
            ("乡镇", "结对村（社区）", "县直单位"),
            _pairing_cells,
            measure="对",
        ),
        Rule(
            "meetings",
            "每半年召开一次联席会议",
            "000 §四(一)3",
            "结对关系",
            meetings_marked,
            "village__township",
            WITH_UNIT,
            ("unit", "village__township"),
            ("乡镇", "结对村（社区）", "县直单位"),
            _pairing_cells,
            measure="对",
        ),
        Rule(
            "months",
            "村每月报送工作台账",
            "DOMAIN 月度台账",
            "村（社区）",
            months_marked,
            "township",
            WITH_VILLAGE,
            ("township",),
            ("乡镇", "村（社区）"),
            lambda v: (v.township.name, v.name),
        ),
        Rule(
            "reports",
            "乡镇每半年报送工作报告",
            "000 §四(二)3",
            "乡镇",
            reports_marked,
            "pk",
            COUNTY_TOWNSHIP,
            (),
            ("乡镇",),
            lambda t: (t.name,),
        ),
    )
}


def rules_for(user) -> list[Rule]:
    if user.is_superuser:
        return list(RULES.values())
    return [rule for rule in RULES.values() if user.role in rule.roles]


def rule_for(user, code: str) -> Rule | None:
    return next((rule for rule in rules_for(user) if rule.code == code), None)


def meeting_deadline(period: Period) -> datetime.date:
    """The last day of the half year: a pairing without a final meeting by then is overdue."""
    year, half = period.half
    return half_year_range(year, half)[1] - datetime.timedelta(days=1)


def meeting_overdue(period: Period, today: datetime.date) -> bool:
    """Overdue once the half year's last day (Asia/Shanghai date) has passed."""
    return today > meeting_deadline(period)


# -- figures and lists ------------------------------------------------------------------------


@dataclass
class TownshipFigure:
    township_id: int
    township: str
    code: str
    total: int
    behind: int
    open: int = 0

    @property
    def done(self) -> int:
        return self.total - self.behind - self.open

    @property
    def rate(self) -> float | None:
        """Share of rows that meet the rule, in percent (None without rows)."""
        return round(100 * self.done / self.total, 1) if self.total else None


@dataclass
class RuleFigures:
    rule: Rule
    townships: list[TownshipFigure]
    months: list

    @property
    def total(self) -> int:
        return sum(t.total for t in self.townships)

    @property
    def behind(self) -> int:
        return sum(t.behind for t in self.townships)

    @property
    def open(self) -> int:
        return sum(t.open for t in self.townships)

    @property
    def rate(self) -> float | None:
        return round(100 * (self.total - self.behind - self.open) / self.total, 1) if self.total else None


def _prefix(path: str) -> str:
    return "" if path == "pk" else f"{path}__"


def rule_figures(
    user, rule: Rule, period: Period, today: datetime.date, *, county_id: int | None = None, by: str = "township"
) -> RuleFigures:
    """Rows and rows behind per township (or per county, `by="county"`, for a city-wide user),
    within one county when `county_id` is given: one grouped query with a conditional count."""
    marked = rule.mark(user, period, today)
    prefix = _prefix(rule.township)
    queryset = marked.queryset.order_by()
    if county_id is not None:
        queryset = queryset.filter(**{f"{prefix}county_id": county_id})
    group = prefix if by == "township" else f"{prefix}county__"
    grouped = (
        queryset.values(t_id=F(f"{group}pk"), t_name=F(f"{group}name"), t_code=F(f"{group}code"))
        .annotate(total=Count("pk"), behind=Count("pk", filter=marked.behind), open=Count("pk", filter=marked.open))
        .order_by("t_code")
    )
    townships = [
        TownshipFigure(g["t_id"], g["t_name"], g["t_code"], g["total"], g["behind"], g["open"]) for g in grouped
    ]
    return RuleFigures(rule, townships, marked.months)


def board(user, period: Period, today: datetime.date, *, county_id=None, by="township") -> list[RuleFigures]:
    """Every rule the user's role answers for: one query each."""
    return [rule_figures(user, rule, period, today, county_id=county_id, by=by) for rule in rules_for(user)]


@dataclass(frozen=True)
class BehindRow:
    pk: int
    township_id: int
    cells: tuple[str, ...]
    missed: tuple[datetime.date, ...]

    @property
    def missed_label(self) -> str:
        return "、".join(month_label(m) for m in self.missed)


def _township_key(rule: Rule) -> str:
    return f"{_prefix(rule.township)}pk"


def behind_queryset(
    user,
    rule: Rule,
    period: Period,
    today: datetime.date,
    township_id: int | None = None,
    *,
    still_open=False,
    county_id: int | None = None,
):
    """The rows behind on `rule` (or, `still_open`, the rows open before the deadline), with their
    month flags selected (one query when evaluated)."""
    marked = rule.mark(user, period, today)
    flags = {name: F(name) for name in marked.queryset.query.annotations if re.fullmatch(r"m\d+", name)}
    queryset = marked.queryset.filter(marked.open if still_open else marked.behind).annotate(
        row_township=F(_township_key(rule)), **flags
    )
    if rule.related:
        queryset = queryset.select_related(*rule.related)
    if township_id is not None:
        queryset = queryset.filter(**{_township_key(rule): township_id})
    if county_id is not None:
        queryset = queryset.filter(**{f"{_prefix(rule.township)}county_id": county_id})
    order = {
        "talents": ("village__code", "talent__name", "pk"),
        "months": ("code",),
        "reports": ("code",),
    }.get(rule.code, ("village__code", "unit__name", "pk"))
    return queryset.order_by(*order), marked.months


def to_rows(rule: Rule, objects, months) -> list[BehindRow]:
    return [
        BehindRow(
            obj.pk,
            obj.row_township,
            tuple(rule.cells(obj)),
            tuple(m for i, m in enumerate(months) if not getattr(obj, f"m{i}")),
        )
        for obj in objects
    ]


def behind_rows(user, rule: Rule, period: Period, today: datetime.date, township_id: int | None = None):
    queryset, months = behind_queryset(user, rule, period, today, township_id)
    return to_rows(rule, queryset, months)


def headers(rule: Rule, months) -> tuple[str, ...]:
    return rule.columns + (("未达标月份",) if months else ())


@dataclass(frozen=True)
class OpenCount:
    rule: Rule
    period: Period
    behind: int  # past the deadline (未达标)
    open: int  # not yet, before the deadline (待完成)


def open_counts(user, today: datetime.date) -> list[OpenCount]:
    """For the home page: how many rows are behind and how many still open now (this month; this
    half year for meetings and township reports; this year for agreements). One query per rule."""
    counts = []
    for rule in rules_for(user):
        period = current_period("half" if rule.code in ("meetings", "reports") else "month", today)
        marked = rule.mark(user, period, today)
        # An always-false condition would make the whole aggregate "empty" (every count 0): leave it out.
        wanted = {name: q for name, q in (("behind", marked.behind), ("open", marked.open)) if q != NOTHING}
        figures = marked.queryset.aggregate(**{name: Count("pk", filter=q) for name, q in wanted.items()})
        counts.append(OpenCount(rule, period, figures.get("behind", 0), figures.get("open", 0)))
    return counts


def by_township(figures) -> list[tuple[int, str, list]]:
    """The board's matrix: one row per township (by code), each rule's figures for it (or None)."""
    townships = {}
    for rule_figures in figures:
        for t in rule_figures.townships:
            townships.setdefault(t.township_id, (t.code, t.township))
    return [
        (tid, name, [(rf.rule.code, next((t for t in rf.townships if t.township_id == tid), None)) for rf in figures])
        for tid, (_code, name) in sorted(townships.items(), key=lambda item: item[1][0])
    ]
