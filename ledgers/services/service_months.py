"""Keep the month-by-month rollup (ledgers/models/service_months.py) equal to the activities.

Every service that changes what a village-month's confirmed activities are (record, update,
delete, confirm, reject) calls `refresh_service_months` for that village and the months it
touched, inside its transaction and after its writes. The refresh recomputes those village-months
from scratch, so it is idempotent and never depends on what the rows held before; the caller holds
the month's row lock (`open_month_for_update`), which orders two changes of one village-month.
`rebuild_service_months` recomputes everything (the demo builder after its bulk inserts).
"""

import datetime
from collections.abc import Iterable

from django.db.models import BigIntegerField, Case, Count, F, QuerySet, Sum, When
from django.db.models.functions import TruncMonth

from ..choices import ActivityKind, ActivityStatus
from ..models import ActivityParticipant, ServiceActivity, TalentServiceMonth, UnitContactMonth
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
        TalentServiceMonth.objects.filter(village_id=village_id, month=first).delete()
        UnitContactMonth.objects.filter(village_id=village_id, month=first).delete()
        confirmed = ServiceActivity.objects.filter(
            village_id=village_id, status=ActivityStatus.CONFIRMED, date__gte=start, date__lt=end
        )
        _write(confirmed, batch_size=500)


def rebuild_service_months(village_ids: Iterable[int], *, batch_size: int = 2000) -> None:
    """Recompute every row of these villages (a chunk of villages per query)."""
    village_ids = sorted(village_ids)
    for index in range(0, len(village_ids), 100):
        chunk = village_ids[index : index + 100]
        TalentServiceMonth.objects.filter(village_id__in=chunk).delete()
        UnitContactMonth.objects.filter(village_id__in=chunk).delete()
        _write(ServiceActivity.objects.filter(village_id__in=chunk, status=ActivityStatus.CONFIRMED), batch_size)
