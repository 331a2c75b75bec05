"""Keep the month-by-month rollup (ledgers/models/service_months.py) equal to the activities.

Every service that changes what a village-month's confirmed activities are (record, update,
delete, confirm, reject) calls `refresh_service_months` for that village and the months it
touched, inside its transaction and after its writes. The refresh recomputes those village-months
from scratch, so it is idempotent and never depends on what the rows held before; the caller holds
the month's row lock (`open_month_for_update`), which orders two changes of one village-month.
`rebuild_service_months` recomputes everything (the demo builder after its bulk inserts). Both
then recompute the affected talents' TalentServiceYear rows (the months they served in, as bits)
from their month rows, across villages.
"""

import datetime
from collections.abc import Iterable

from django.db.models import BigIntegerField, Case, Count, F, QuerySet, Sum, When
from django.db.models.functions import TruncMonth

from ..choices import ActivityKind, ActivityStatus
from ..models import (
    ActivityParticipant,
    LedgerMonth,
    ServiceActivity,
    TalentServiceMonth,
    TalentServiceYear,
    UnitContactMonth,
)
from ..models.service_months import month_bit
from ..periods import month_range, month_start


def talent_totals(activities: QuerySet) -> QuerySet:
    """Per talent, village and month of `activities`: how many they took part in, and their hours."""
    return (
        ActivityParticipant.objects.filter(activity__in=activities, talent__isnull=False)
        .values("talent_id", village=F("activity__village_id"), first=TruncMonth("activity__date"))
        .annotate(count=Count("activity_id"), total_hours=Sum("hours"))
        .order_by()
    )


def unit_totals(activities: QuerySet) -> QuerySet:
    """Per unit, village and month of `activities`: the activities that count as the unit's contact
    (the unit took part as a whole, or a 单位联系 with one of its talents)."""
    contact_unit = Case(
        When(unit__isnull=False, then=F("unit_id")),
        When(activity__kind=ActivityKind.UNIT_CONTACT, then=F("talent__unit_id")),
        output_field=BigIntegerField(),
    )
    return (
        ActivityParticipant.objects.filter(activity__in=activities)
        .annotate(contact_unit=contact_unit)
        .filter(contact_unit__isnull=False)
        .values("contact_unit", village=F("activity__village_id"), first=TruncMonth("activity__date"))
        .annotate(count=Count("activity_id", distinct=True))
        .order_by()
    )


def _write(activities: QuerySet, batch_size: int) -> None:
    TalentServiceMonth.objects.bulk_create(
        (
            TalentServiceMonth(
                talent_id=row["talent_id"],
                village_id=row["village"],
                month=_as_date(row["first"]),
                activities=row["count"],
                hours=row["total_hours"],
            )
            for row in talent_totals(activities).iterator()
        ),
        batch_size=batch_size,
    )
    UnitContactMonth.objects.bulk_create(
        (
            UnitContactMonth(
                unit_id=row["contact_unit"],
                village_id=row["village"],
                month=_as_date(row["first"]),
                activities=row["count"],
            )
            for row in unit_totals(activities).iterator()
        ),
        batch_size=batch_size,
    )


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def refresh_service_months(village_id: int, days: Iterable[datetime.date]) -> None:
    """Recompute the rows of the village's months that contain `days`."""
    for first in sorted({month_start(day) for day in days}):
        start, end = month_range(first)
        month_rows = TalentServiceMonth.objects.filter(village_id=village_id, month=first)
        talents = set(month_rows.values_list("talent_id", flat=True))
        month_rows.delete()
        UnitContactMonth.objects.filter(village_id=village_id, month=first).delete()
        confirmed = ServiceActivity.objects.filter(
            village_id=village_id, status=ActivityStatus.CONFIRMED, date__gte=start, date__lt=end
        )
        _write(confirmed, batch_size=500)
        talents |= set(month_rows.values_list("talent_id", flat=True))
        refresh_service_years(talents, first.year)
        LedgerMonth.objects.filter(village_id=village_id, month=first).update(confirmed_activities=confirmed.count())


def refresh_service_years(talent_ids: Iterable[int], year: int | None = None, *, batch_size: int = 2000) -> None:
    """Recompute the TalentServiceYear rows of these talents in `year` (None: every year) from
    their month rows."""
    talent_ids = sorted(set(talent_ids))
    for index in range(0, len(talent_ids), 5000):
        chunk = talent_ids[index : index + 5000]
        stored = TalentServiceYear.objects.filter(talent_id__in=chunk)
        months = TalentServiceMonth.objects.filter(talent_id__in=chunk)
        if year is not None:
            stored = stored.filter(year=year)
            months = months.filter(month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1))
        stored.delete()
        masks: dict[tuple[int, int], int] = {}
        for talent_id, month in months.values_list("talent_id", "month").order_by().iterator(chunk_size=10000):
            key = (talent_id, month.year)
            masks[key] = masks.get(key, 0) | month_bit(month)
        TalentServiceYear.objects.bulk_create(
            (TalentServiceYear(talent_id=t, year=y, months=bits) for (t, y), bits in masks.items()),
            batch_size=batch_size,
        )


def rebuild_service_months(village_ids: Iterable[int], *, batch_size: int = 2000) -> None:
    """Recompute every row of these villages (a chunk of villages per query)."""
    village_ids = sorted(village_ids)
    talents: set[int] = set()
    for index in range(0, len(village_ids), 100):
        chunk = village_ids[index : index + 100]
        month_rows = TalentServiceMonth.objects.filter(village_id__in=chunk)
        talents |= set(month_rows.values_list("talent_id", flat=True).distinct())
        month_rows.delete()
        UnitContactMonth.objects.filter(village_id__in=chunk).delete()
        confirmed = ServiceActivity.objects.filter(village_id__in=chunk, status=ActivityStatus.CONFIRMED)
        _write(confirmed, batch_size)
        talents |= set(month_rows.values_list("talent_id", flat=True).distinct())
        count_month_activities(chunk, confirmed, batch_size=batch_size)
    refresh_service_years(talents, batch_size=batch_size)


def count_month_activities(village_ids, confirmed: QuerySet, *, batch_size: int = 2000) -> None:
    """Set LedgerMonth.confirmed_activities of these villages' months from `confirmed` (grouped)."""
    counts = {
        (row["village_id"], _as_date(row["first"])): row["n"]
        for row in confirmed.values("village_id", first=TruncMonth("date")).annotate(n=Count("pk")).order_by()
    }
    months = list(LedgerMonth.objects.filter(village_id__in=village_ids).only("pk", "village_id", "month"))
    for month in months:
        month.confirmed_activities = counts.get((month.village_id, month.month), 0)
    LedgerMonth.objects.bulk_update(months, ["confirmed_activities"], batch_size=batch_size)
