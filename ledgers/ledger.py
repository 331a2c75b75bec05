"""Reading a village's month ledger: its activities, one row per participant, and the totals.

The page, the print view and the Excel export all read through here, so they show the same rows.
Only confirmed activities are in the ledger (they are the only ones that count).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from pairing.core.local_time import local_text

from .choices import ActivityStatus, MonthStatus
from .models import ActivityParticipant, LedgerMonth, ServiceActivity
from .periods import month_range


@dataclass(frozen=True)
class Totals:
    activities: int
    hours: Decimal
    participants: int
    talents: int
    beneficiaries: int


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger: an activity as served by one participant (talent or unit)."""

    activity: ServiceActivity
    first: bool  # the activity's first line carries its beneficiaries, so totals add up by column
    date: datetime.date
    talent: str
    unit: str
    kind: str
    content: str
    hours: Decimal
    beneficiaries: int | None
    confirmation: str


def month_activities(user, village, first: datetime.date, *, confirmed_only: bool = True):
    start, end = month_range(first)
    queryset = ServiceActivity.objects.visible_to(user).filter(village=village, date__gte=start, date__lt=end)
    if confirmed_only:
        queryset = queryset.filter(status=ActivityStatus.CONFIRMED)
    return (
        queryset.select_related("recorded_by", "reviewed_by")
        .prefetch_related("participants__talent__unit", "participants__unit", "photos")
        .order_by("date", "pk")
    )


def totals(activities) -> Totals:
    """Totals of an activity queryset, aggregated in the database (two queries)."""
    head = activities.order_by().aggregate(n=Count("pk"), beneficiaries=Coalesce(Sum("beneficiaries"), 0))
    tail = ActivityParticipant.objects.filter(activity__in=activities.order_by().values("pk")).aggregate(
        hours=Coalesce(Sum("hours"), Decimal("0")),
        participants=Count("pk", filter=Q(talent__isnull=False)),
        talents=Count("talent", distinct=True),
    )
    return Totals(
        activities=head["n"],
        hours=tail["hours"],
        participants=tail["participants"],
        talents=tail["talents"],
        beneficiaries=head["beneficiaries"],
    )


def confirmation_text(activity: ServiceActivity) -> str:
    if activity.status != ActivityStatus.CONFIRMED:
        return activity.get_status_display()
    who = activity.reviewed_by.display_name if activity.reviewed_by else ""
    when = local_text(activity.reviewed_at, "%m-%d")
    return f"已确认 {who} {when}".strip()


def ledger_rows(activities) -> list[LedgerRow]:
    rows = []
    for activity in activities:
        content = activity.title if not activity.content else f"{activity.title}：{activity.content}"
        confirmation = confirmation_text(activity)
        participants = list(activity.participants.all())
        for index, participant in enumerate(participants):
            if participant.talent_id:
                talent = participant.talent.name
                unit = participant.talent.unit.name if participant.talent.unit else ""
            else:
                talent, unit = "（单位集体参与）", participant.unit.name
            rows.append(
                LedgerRow(
                    activity=activity,
                    first=index == 0,
                    date=activity.date,
                    talent=talent,
                    unit=unit,
                    kind=activity.get_kind_display(),
                    content=content,
                    hours=participant.hours,
                    beneficiaries=activity.beneficiaries if index == 0 else None,
                    confirmation=confirmation,
                )
            )
    return rows


def month_row(village, first: datetime.date) -> LedgerMonth:
    """The stored month, or an unsaved open one: a month without a row is open."""
    row = (
        LedgerMonth.objects.filter(village=village, month=first)
        .select_related("submitted_by", "confirmed_by", "reopened_by")
        .first()
    )
    if row is None:
        return LedgerMonth(village=village, month=first, status=MonthStatus.OPEN, version=1)
    row.village = village  # already loaded by the caller, with its township
    return row


def attach_totals(months) -> list:
    """Set confirmed totals on a page of month rows with two grouped queries, whatever its size.

    Grouping by (village, month) over the rows' date span uses the (village, date) index; a
    correlated subquery per row and per figure was orders of magnitude slower on a county.
    """
    months = list(months)
    if not months:
        return months
    start = min(m.month for m in months)
    end = month_range(max(m.month for m in months))[1]
    villages = {m.village_id for m in months}
    activities = (
        ServiceActivity.objects.filter(
            village_id__in=villages, date__gte=start, date__lt=end, status=ActivityStatus.CONFIRMED
        )
        .annotate(period=TruncMonth("date"))
        .order_by()
        .values("village_id", "period")
        .annotate(n=Count("pk"), beneficiaries=Sum("beneficiaries"))
    )
    participants = (
        ActivityParticipant.objects.filter(
            activity__village_id__in=villages,
            activity__date__gte=start,
            activity__date__lt=end,
            activity__status=ActivityStatus.CONFIRMED,
        )
        .annotate(period=TruncMonth("activity__date"))
        .order_by()
        .values("activity__village_id", "period")
        .annotate(hours=Sum("hours"), participants=Count("pk", filter=Q(talent__isnull=False)))
    )
    head = {(r["village_id"], _as_date(r["period"])): r for r in activities}
    tail = {(r["activity__village_id"], _as_date(r["period"])): r for r in participants}
    for row in months:
        key = (row.village_id, row.month)
        a, p = head.get(key, {}), tail.get(key, {})
        row.total_activities = a.get("n", 0)
        row.total_beneficiaries = a.get("beneficiaries") or 0
        row.total_hours = p.get("hours") or Decimal("0")
        row.total_participants = p.get("participants", 0)
    return months


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
