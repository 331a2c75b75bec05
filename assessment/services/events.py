"""The event vocabulary: for each event, one aggregate query giving every subject's count in a
quarter, and the rows behind one subject's count (the explanation page).

Counts come from confirmed data only (confirmed activities, resolved demands, final meetings,
signed agreements, submitted or confirmed ledger months, the village's evaluations), over the
quarter's bounds in Asia/Shanghai: plain dates compare with [start, end); instants with midnight
in Shanghai at each end. Each count function is one `values().annotate()` query (or two), so the
database aggregates; Python only combines the per-subject numbers. A talent's activities, hours
and months, and a unit's contacts, are read from the ledger's monthly rollups (TalentServiceMonth,
UnitContactMonth), which the ledger services keep equal to the confirmed activities.

Every query covers the counties of the run (`Period.county_ids`: one county, or a Batch of them
grouped by county) and each county takes its share (`per_county`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Max, Q, Sum, Value, When

from ledgers.choices import (
    ActivityStatus,
    ClaimStatus,
    DemandStatus,
    MeetingStatus,
    MonthStatus,
    ReportStatus,
)
from ledgers.models import (
    ActivityParticipant,
    Demand,
    DemandClaim,
    JointMeeting,
    LedgerMonth,
    TalentEvaluation,
    TalentServiceMonth,
    TownshipHalfYearReport,
    UnitContactMonth,
)
from ledgers.periods import aware_bounds, next_month, quarter_range
from pairing.choices import AgreementStatus, ProjectStatus, TalentStatus
from pairing.models import Agreement, AgreementProjectItem, Pairing, TalentAssignment
from pairing.models.directory import pairing_active_in

from ..choices import Event

RATING_EVENTS = {
    "excellent": Event.EVALUATION_EXCELLENT,
    "good": Event.EVALUATION_GOOD,
    "fair": Event.EVALUATION_FAIR,
    "poor": Event.EVALUATION_POOR,
}


def submit_deadline_day() -> int:
    """The day of the next month by which a village submits its month (default the 5th)."""
    return int(getattr(settings, "ASSESSMENT_SUBMIT_DEADLINE_DAY", 5))


def confirm_deadline_day() -> int:
    """The day of the next month by which the township confirms a village's month (default the 10th)."""
    return int(getattr(settings, "ASSESSMENT_CONFIRM_DEADLINE_DAY", 10))


@dataclass
class Batch:
    """Counties scored together for the same quarter (the nightly job scores every county): each
    aggregate query runs once for all of them, grouped by county, and each county takes its share.
    One query per event for the whole city rather than one per event and county, each of which
    scanned the city's quarter to find its county's rows."""

    county_ids: tuple[int, ...]
    memo: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """One county's quarter as of a day: the bounds every count uses."""

    county_id: int
    year: int
    quarter: int
    as_of: datetime.date
    # Aggregates several events share (the talents' service, the units' contacts), computed once
    # per run: the quarter's rows are read once rather than once per event.
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    batch: Batch | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def county_ids(self) -> tuple[int, ...]:
        """The counties every query of this run covers (this one alone, or the batch's)."""
        return self.batch.county_ids if self.batch is not None else (self.county_id,)

    @property
    def start(self) -> datetime.date:
        return quarter_range(self.year, self.quarter)[0]

    @property
    def end(self) -> datetime.date:
        return quarter_range(self.year, self.quarter)[1]

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return aware_bounds(self.start, self.end)

    @property
    def months(self) -> list[datetime.date]:
        first = self.start
        return [first, next_month(first), next_month(next_month(first))]

    @property
    def ended_months(self) -> list[datetime.date]:
        """Months of the quarter that are over by `as_of` (only those can be missed)."""
        return [m for m in self.months if next_month(m) <= self.as_of]

    def deadline(self, month: datetime.date, day: int) -> datetime.datetime:
        """The end (exclusive) of the deadline day in the month after `month`, in Shanghai."""
        last = next_month(month).replace(day=day) + datetime.timedelta(days=1)
        return aware_bounds(last, last)[0]


Counts = dict[int, Decimal]


def fetch(queryset) -> list:
    """The rows of a values_list queryset. On PostgreSQL straight from the cursor: the driver already
    returns ints, Decimals and dates, and Django's per-row converters cost more than the query did.
    (Only for values_list querysets whose plain fields come first, then the annotations in order.)"""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def per_county(p: Period, key, build, split=None):
    """p's county's share of `build()`, a values_list queryset whose first column is the county: it
    runs once for every county of the batch. `split(rows)` shares the rows out as {county: share};
    by default each county's share is its rows (the county column included)."""
    shared = p.batch.memo if p.batch is not None else p.memo
    if key not in shared:
        rows = fetch(build())
        if split is None:
            shares = defaultdict(list)
            for row in rows:
                shares[row[0]].append(row)
        else:
            shares = split(rows)
        shared[key] = shares
    share = shared[key].get(p.county_id)
    return share if share is not None else ([] if split is None else {})


def _by_subject(rows) -> dict[int, Counts]:
    """{county: {subject: count}} of (county, subject, count) rows."""
    shares = defaultdict(dict)
    for county_id, subject_id, n in rows:
        shares[county_id][subject_id] = n
    return shares


def _by_subject_values(rows) -> dict[int, dict]:
    """{county: {subject: (value, …)}} of (county, subject, value, …) rows."""
    shares = defaultdict(dict)
    for row in rows:
        shares[row[0]][row[1]] = row[2:]
    return shares


def grouped(queryset, fields: list[str], **annotations):
    """`queryset` grouped by `fields` with `annotations`, as a values_list of the fields then them."""
    return queryset.values(*fields).annotate(**annotations).order_by().values_list(*fields, *annotations)


def _counted(p: Period, key: str, source, county: str, subject: str, n=None) -> Counts:
    """{subject: count} of p's county: `source(p)`, a queryset, grouped by `county` and `subject` (one
    query per run; the queryset is built only when the run's query is)."""
    return per_county(p, key, lambda: grouped(source(p), [county, subject], n=n or Count("pk")), _by_subject)


# --- talents ---------------------------------------------------------------------------------


def talent_subjects(p: Period):
    """Talents with an assignment in the year to a village of the county, and where they serve."""
    return TalentAssignment.objects.filter(year=p.year, village__township__county_id__in=p.county_ids).values(
        "talent_id",
        "village_id",
        "talent__name",
        "talent__unit_id",
        "talent__status",
        township_id=F("village__township_id"),
    )


def confirmed_participations(p: Period):
    return ActivityParticipant.objects.filter(
        talent__isnull=False,
        activity__status=ActivityStatus.CONFIRMED,
        activity__date__gte=p.start,
        activity__date__lt=p.end,
        activity__village__township__county_id__in=p.county_ids,
    )


def talent_service(p: Period, months: list[datetime.date]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """{talent: (activities, hours, months with one)} over `months` of the quarter, in one query.

    Read from the ledger's monthly rollup of confirmed service (TalentServiceMonth: one row per
    talent, village and month, kept equal to the confirmed activities by the ledger services):
    the same numbers as aggregating the participations, from a fraction of the rows."""
    key = ("talent_service", tuple(months))
    if key not in p.memo:
        rows = (
            per_county(
                p,
                key,
                lambda: grouped(
                    TalentServiceMonth.objects.filter(
                        month__in=months, village__township__county_id__in=p.county_ids, activities__gt=0
                    ),
                    ["village__township__county_id", "talent_id"],
                    n=Sum("activities"),
                    h=Sum("hours"),
                    m=_months_with_a_row(months),
                ),
                _by_subject_values,
            )
            if months
            else {}
        )
        p.memo[key] = rows
    return p.memo[key]


def _months_with_a_row(months: list[datetime.date]):
    """How many of `months` a group has a row in: COUNT(DISTINCT month) as a sum of one MAX(0/1) per
    month, which the database can aggregate by hashing instead of sorting the quarter's rows."""
    flags = [Max(Case(When(month=month, then=Value(1)), default=Value(0))) for month in months]
    total = flags[0]
    for flag in flags[1:]:
        total = total + flag
    return ExpressionWrapper(total, output_field=IntegerField())


def talent_activity(p: Period) -> Counts:
    return {t: v[0] for t, v in talent_service(p, p.months).items()}


def talent_hours(p: Period) -> Counts:
    return {t: v[1] for t, v in talent_service(p, p.months).items()}


def _active_months(p: Period, months: list[datetime.date]) -> Counts:
    key = ("active_months", tuple(months))
    if key not in p.memo:
        p.memo[key] = {t: v[2] for t, v in talent_service(p, months).items()} if months else {}
    return p.memo[key]


def talent_active_month(p: Period) -> Counts:
    return _active_months(p, p.months)


def assigned_talents(p: Period) -> list[tuple]:
    """(county, talent, village, township, name, unit, status) of every assignment of the year in the county,
    by talent (read once per run: the subjects, missed months and active shares all use it)."""
    return per_county(
        p,
        "assigned",
        lambda: (
            TalentAssignment.objects.filter(year=p.year, village__township__county_id__in=p.county_ids)
            .order_by("talent_id")
            .values_list(
                "village__township__county_id",
                "talent_id",
                "village_id",
                "village__township_id",
                "talent__name",
                "talent__unit_id",
                "talent__status",
            )
        ),
    )


def talent_missed_month(p: Period) -> Counts:
    """Ended months without a confirmed activity, for active talents assigned in the year."""
    ended = p.ended_months
    if not ended:
        return {}
    active = _active_months(p, ended)
    months = len(ended)
    return {
        t: months - active.get(t, 0)
        for _c, t, _v, _w, _n, _u, status in assigned_talents(p)
        if status == TalentStatus.ACTIVE
    }


def _resolved_in(p: Period, prefix: str = "") -> Q:
    """A demand (reached through `prefix`) of the batch's counties resolved in the quarter."""
    start, end = p.bounds
    return Q(
        **{
            f"{prefix}status": DemandStatus.RESOLVED,
            f"{prefix}resolved_at__gte": start,
            f"{prefix}resolved_at__lt": end,
            f"{prefix}village__township__county_id__in": p.county_ids,
        }
    )


def _resolved_demands(p: Period):
    return Demand.objects.filter(_resolved_in(p))


def _resolved_claims(p: Period):
    """Claims by talents, not withdrawn, of the demands resolved in the quarter (one join rather
    than a subquery)."""
    return DemandClaim.objects.filter(_resolved_in(p, "demand__"), talent__isnull=False).exclude(
        status=ClaimStatus.WITHDRAWN
    )


def talent_demand_resolved(p: Period) -> Counts:
    return _counted(
        p,
        "talent_demand_resolved",
        _resolved_claims,
        "demand__village__township__county_id",
        "talent_id",
        Count("demand_id", distinct=True),
    )


def _evaluations(p: Period):
    return TalentEvaluation.objects.filter(
        year=p.year, quarter=p.quarter, village__township__county_id__in=p.county_ids
    )


def _by_rating(rows) -> dict[int, dict[str, Counts]]:
    """{county: {event: {talent: count}}} of (county, talent, rating, count) rows."""
    shares = defaultdict(lambda: {event: {} for event in RATING_EVENTS.values()})
    for county_id, talent_id, rating, n in rows:
        shares[county_id][RATING_EVENTS[rating]][talent_id] = n
    return shares


def talent_evaluations(p: Period) -> dict[str, Counts]:
    """{event: counts} for the four evaluation events, in one query."""
    result = per_county(
        p,
        "talent_evaluations",
        lambda: grouped(
            _evaluations(p).exclude(rating=""),
            ["village__township__county_id", "talent_id", "rating"],
            n=Count("pk"),
        ),
        _by_rating,
    )
    return result or {event: {} for event in RATING_EVENTS.values()}


# --- units -----------------------------------------------------------------------------------


def active_pairings(p: Period):
    return Pairing.objects.filter(pairing_active_in(p.year), unit__county_id__in=p.county_ids)


def paired(p: Period) -> set[tuple[int, int]]:
    """(unit, village) of the county's pairings active in the year (read once per run)."""
    if "paired" not in p.memo:
        rows = per_county(
            p, "paired", lambda: active_pairings(p).values_list("unit__county_id", "unit_id", "village_id").order_by()
        )
        p.memo["paired"] = {(unit_id, village_id) for _county, unit_id, village_id in rows}
    return p.memo["paired"]


def _contacts(p: Period, months: list[datetime.date]) -> set[tuple[int, int, datetime.date]]:
    """(unit, village, month) with a confirmed contact of a paired unit: the unit took part as a
    whole, or a 单位联系 activity with one of its talents (as the ledger's compliance rule counts)."""
    if not months:
        return set()
    key = ("contacts", tuple(months))
    if key in p.memo:
        return p.memo[key]
    # The ledger's monthly rollup of unit contacts (UnitContactMonth, kept equal to the confirmed
    # activities by the ledger services): one row per unit, village and month with a contact.
    rows = per_county(
        p,
        key,
        lambda: (
            UnitContactMonth.objects.filter(
                month__in=months, village__township__county_id__in=p.county_ids, activities__gt=0
            )
            .values_list("village__township__county_id", "unit_id", "village_id", "month")
            .order_by()
        ),
    )
    pairs = paired(p)
    result = {(unit, village, month) for _county, unit, village, month in rows if (unit, village) in pairs}
    p.memo[key] = result
    return result


def unit_contact_month(p: Period) -> Counts:
    counts = defaultdict(Decimal)
    for unit_id, _village, _month in _contacts(p, p.months):
        counts[unit_id] += 1
    return dict(counts)


def unit_missed_contact(p: Period) -> Counts:
    ended = p.ended_months
    if not ended:
        return {}
    contacted = defaultdict(int)
    for unit_id, _village, _month in _contacts(p, ended):
        contacted[unit_id] += 1
    villages = defaultdict(int)
    for unit_id, _village in paired(p):
        villages[unit_id] += 1
    return {unit_id: Decimal(n * len(ended) - contacted[unit_id]) for unit_id, n in villages.items()}


def _signed_agreements(p: Period):
    return Agreement.objects.filter(
        status__in=[AgreementStatus.SIGNED, AgreementStatus.CLOSED],
        signed_on__gte=p.start,
        signed_on__lt=p.end,
        pairing__unit__county_id__in=p.county_ids,
    )


def unit_agreement_signed(p: Period) -> Counts:
    return _counted(p, "unit_agreement_signed", _signed_agreements, "pairing__unit__county_id", "pairing__unit_id")


def _final_meetings(p: Period):
    start, end = p.bounds
    return JointMeeting.objects.filter(
        status=MeetingStatus.FINAL, held_at__gte=start, held_at__lt=end, pairing__unit__county_id__in=p.county_ids
    )


def unit_meeting_held(p: Period) -> Counts:
    return _counted(p, "unit_meeting_held", _final_meetings, "pairing__unit__county_id", "pairing__unit_id")


def _completed_projects(p: Period):
    return AgreementProjectItem.objects.filter(
        status=ProjectStatus.COMPLETED,
        end_date__gte=p.start,
        end_date__lt=p.end,
        agreement__pairing__unit__county_id__in=p.county_ids,
    )


def unit_project_completed(p: Period) -> Counts:
    return _counted(
        p,
        "unit_project_completed",
        _completed_projects,
        "agreement__pairing__unit__county_id",
        "agreement__pairing__unit_id",
    )


# --- villages --------------------------------------------------------------------------------


def _months_by_deadline(p: Period, field: str, day: int, on_time: bool) -> Q:
    """Ledger months of the quarter whose `field` instant falls before (or not before) the deadline."""
    condition = Q(pk__in=[])
    for month in p.months:
        bound = {f"{field}__lt" if on_time else f"{field}__gte": p.deadline(month, day)}
        condition |= Q(month=month, **bound)
    return condition


def _ledger_months(p: Period, statuses, field: str, day: int, on_time: bool):
    return LedgerMonth.objects.filter(
        _months_by_deadline(p, field, day, on_time),
        village__township__county_id__in=p.county_ids,
        status__in=statuses,
        **{f"{field}__isnull": False},
    )


SUBMITTED = [MonthStatus.SUBMITTED, MonthStatus.CONFIRMED, MonthStatus.LOCKED]
CONFIRMED = [MonthStatus.CONFIRMED, MonthStatus.LOCKED]


def village_months(p: Period, on_time: bool):
    return _ledger_months(p, SUBMITTED, "submitted_at", submit_deadline_day(), on_time)


def village_month_on_time(p: Period) -> Counts:
    return _counted(
        p, "village_month_on_time", lambda p: village_months(p, True), "village__township__county_id", "village_id"
    )


def village_month_late(p: Period) -> Counts:
    return _counted(
        p, "village_month_late", lambda p: village_months(p, False), "village__township__county_id", "village_id"
    )


def village_demand_resolved(p: Period) -> Counts:
    return _counted(p, "village_demand_resolved", _resolved_demands, "village__township__county_id", "village_id")


def village_meeting_held(p: Period) -> Counts:
    return _counted(p, "village_meeting_held", _final_meetings, "pairing__unit__county_id", "pairing__village_id")


def village_evaluation_done(p: Period) -> Counts:
    return _counted(
        p,
        "village_evaluation_done",
        _evaluations,
        "village__township__county_id",
        "village_id",
        Count("talent_id", distinct=True),
    )


# --- townships -------------------------------------------------------------------------------


def township_confirmed_months(p: Period):
    return _ledger_months(p, CONFIRMED, "confirmed_at", confirm_deadline_day(), True)


def township_month_confirmed_on_time(p: Period) -> Counts:
    return _counted(
        p,
        "township_month_confirmed_on_time",
        township_confirmed_months,
        "village__township__county_id",
        "village__township_id",
    )


def _submitted_reports(p: Period):
    if p.quarter not in (2, 4):
        return TownshipHalfYearReport.objects.none()
    return TownshipHalfYearReport.objects.filter(
        year=p.year, half=p.quarter // 2, status=ReportStatus.SUBMITTED, township__county_id__in=p.county_ids
    )


def township_report_submitted(p: Period) -> Counts:
    return _counted(p, "township_report_submitted", _submitted_reports, "township__county_id", "township_id")


def township_talent_active_share(p: Period) -> Counts:
    """Per township, the share of its active assigned talents with a confirmed activity in every
    ended month of the quarter (0 when no month has ended yet)."""
    ended = p.ended_months
    if not ended:
        return {}
    active = _active_months(p, ended)
    full_months = len(ended)
    totals, full = defaultdict(int), defaultdict(int)
    for _county, talent_id, _village, township_id, _name, _unit, status in assigned_talents(p):
        if status != TalentStatus.ACTIVE:
            continue
        totals[township_id] += 1
        if active.get(talent_id, 0) == full_months:
            full[township_id] += 1
    return {t: (Decimal(full[t]) / Decimal(n)).quantize(Decimal("0.0001")) for t, n in totals.items()}


COUNTERS = {
    "talent": {
        Event.ACTIVITY: talent_activity,
        Event.HOURS: talent_hours,
        Event.ACTIVE_MONTH: talent_active_month,
        Event.MISSED_MONTH: talent_missed_month,
        Event.DEMAND_RESOLVED: talent_demand_resolved,
    },
    "unit": {
        Event.CONTACT_MONTH: unit_contact_month,
        Event.MISSED_CONTACT: unit_missed_contact,
        Event.AGREEMENT_SIGNED: unit_agreement_signed,
        Event.MEETING_HELD: unit_meeting_held,
        Event.PROJECT_COMPLETED: unit_project_completed,
    },
    "village": {
        Event.MONTH_ON_TIME: village_month_on_time,
        Event.MONTH_LATE: village_month_late,
        Event.DEMAND_RESOLVED: village_demand_resolved,
        Event.MEETING_HELD: village_meeting_held,
        Event.EVALUATION_DONE: village_evaluation_done,
    },
    "township": {
        Event.MONTH_CONFIRMED_ON_TIME: township_month_confirmed_on_time,
        Event.REPORT_SUBMITTED: township_report_submitted,
        Event.TALENT_ACTIVE_SHARE: township_talent_active_share,
    },
}


def count_events(p: Period, subject_type: str, events: set[str]) -> dict[str, Counts]:
    """{event: {subject id: count}} for the events the year's rules use (one query or two each)."""
    result = {}
    if subject_type == "talent" and events & set(RATING_EVENTS.values()):
        result.update(talent_evaluations(p))
    for event, counter in COUNTERS[subject_type].items():
        if event in events:
            result[event] = counter(p)
    return result
