"""Demand figures: the resolution rate (seed 003's headline) and the daily summary (日汇总、日研判).

Pure functions over explicit period boundaries in Asia/Shanghai, aggregated in the database
(one grouped query per breakdown, conditional counts), never a query per village.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from pairing.models.directory import pairing_active_in

from ..choices import DemandStatus
from ..models import Demand
from ..models.demands import OPEN_STATUSES

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# breakdown -> (group key, name, township name)
LEVELS = {
    "village": ("village_id", "village__name", "village__township__name"),
    "township": ("village__township_id", "village__township__name", "village__township__name"),
    "county": ("village__township__county_id", "village__township__county__name", None),
}


def local_bounds(first: datetime.date, after_last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first 00:00, after_last 00:00) in Asia/Shanghai, as aware datetimes."""
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=LOCAL_TZ)
    end = datetime.datetime.combine(after_last, datetime.time.min, tzinfo=LOCAL_TZ)
    return start, end


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return local_bounds(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (1187 / 1233 → 96.3); None when nothing was collected."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateRow:
    id: int | None
    name: str
    township: str
    collected: int
    resolved: int
    rate: Decimal | None


def _rate_counts(end: datetime.datetime) -> dict:
    # Resolved as of the period's end, so a past period's figure does not change later.
    return {
        "collected": Count("pk"),
        "resolved": Count("pk", filter=Q(status=DemandStatus.RESOLVED, resolved_at__lt=end)),
    }


def resolution_rate(demands, start: datetime.datetime, end: datetime.datetime) -> RateRow:
    """Over `demands` (already scoped): those published in [start, end) and how many were resolved by `end`."""
    totals = demands.filter(published_at__gte=start, published_at__lt=end).aggregate(**_rate_counts(end))
    return RateRow(
        None, "合计", "", totals["collected"], totals["resolved"], percent(totals["resolved"], totals["collected"])
    )


def total_of(rows: list[RateRow]) -> RateRow:
    """The headline from a breakdown (every demand falls in exactly one of its rows)."""
    collected, resolved = sum(r.collected for r in rows), sum(r.resolved for r in rows)
    return RateRow(None, "合计", "", collected, resolved, percent(resolved, collected))


def resolution_rates(demands, start: datetime.datetime, end: datetime.datetime, level: str) -> list[RateRow]:
    """The same figure per village, township or county, one grouped query, lowest rate first."""
    key, name, township = LEVELS[level]
    fields = [key, name] + ([township] if township and township != name else [])
    rows = (
        demands.filter(published_at__gte=start, published_at__lt=end)
        .order_by()
        .values(*fields)
        .annotate(**_rate_counts(end))
    )
    result = [
        RateRow(
            row[key],
            row[name],
            row.get(township, "") if township and township != name else "",
            row["collected"],
            row["resolved"],
            percent(row["resolved"], row["collected"]),
        )
        for row in rows
    ]
    result.sort(key=lambda r: (r.rate, r.township, r.name))
    return result


@dataclass(frozen=True)
class SummaryRow:
    id: int
    name: str
    township: str
    new: int
    unclaimed: int
    overdue: int


@dataclass(frozen=True)
class DailySummary:
    day: datetime.date
    villages: list[SummaryRow]
    units: list[SummaryRow]
    totals: dict


def _summary_counts(day: datetime.date, start, end, *, distinct: bool) -> dict:
    """The three counts; `distinct` where a join repeats a demand (a village with two units)."""
    open_then = Q(published_at__lt=end, status__in=OPEN_STATUSES)
    return {
        "new": Count("pk", filter=Q(published_at__gte=start, published_at__lt=end), distinct=distinct),
        "unclaimed": Count("pk", filter=Q(published_at__lt=end, status=DemandStatus.PUBLISHED), distinct=distinct),
        "overdue": Count("pk", filter=open_then & Q(due_date__lt=day), distinct=distinct),
    }


def _counted(start, end) -> Q:
    """The demands any count can include: published that day, or still open (a city's 92,000
    demands are mostly resolved: the grouping reads the few thousand that matter)."""
    return Q(published_at__gte=start, published_at__lt=end) | Q(published_at__lt=end, status__in=OPEN_STATUSES)


def _rows(queryset, counts: dict, key: str, name: str, township: str | None) -> list[SummaryRow]:
    fields = [key, name] + ([township] if township else [])
    rows = []
    for row in queryset.order_by().values(*fields).annotate(**counts):
        if row["new"] or row["unclaimed"] or row["overdue"]:
            rows.append(
                SummaryRow(
                    row[key], row[name], row.get(township, "") or "", row["new"], row["unclaimed"], row["overdue"]
                )
            )
    rows.sort(key=lambda r: (-r.overdue, -r.unclaimed, -r.new, r.township, r.name))
    return rows


def summary_day(text: str | None, today: datetime.date) -> datetime.date:
    """The daily summary's day from its `day` parameter, as the page reads it: today when absent or
    not a date, and never after today."""
    try:
        day = datetime.date.fromisoformat(text) if text else today
    except ValueError:
        day = today
    return min(day, today)


def daily_summary(day: datetime.date, user) -> DailySummary:
    """For each village and each pairing unit in the user's scope: the day's new demands, the ones
    still unclaimed and the overdue ones (due before `day`, still open). Statuses are the current
    ones, so the figures are exact for today and describe "still open" for an earlier day.
    """
    start, end = local_bounds(day, day + datetime.timedelta(days=1))
    counts = _summary_counts(day, start, end, distinct=False)
    demands = Demand.objects.visible_to(user).filter(_counted(start, end))
    by_village = _rows(demands, counts, "village_id", "village__name", "village__township__name")
    # A unit answers for the villages it is paired with in the day's year. One filter() call, so
    # both conditions and the grouping use the same join to the pairing row.
    year = day.year
    paired = demands.filter(pairing_active_in(year, prefix="village__pairings__"))
    unit_counts = _summary_counts(day, start, end, distinct=True)
    by_unit = _rows(paired, unit_counts, "village__pairings__unit_id", "village__pairings__unit__name", None)
    totals = demands.aggregate(**counts)
    return DailySummary(day=day, villages=by_village, units=by_unit, totals=totals)
