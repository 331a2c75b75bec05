"""Reading a village's month ledger: its activities, one row per participant, and the totals.

The page, the print view and the Excel export all read through here, so they show the same rows.
Only confirmed activities are in the ledger (they are the only ones that count).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

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
    when = f"{activity.reviewed_at:%m-%d}" if activity.reviewed_at else ""
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


def with_totals(months):
    """Annotate month rows with their confirmed totals, in the same query (for list endpoints)."""
    in_month = {
        "village": OuterRef("village"),
        "date__gte": OuterRef("month"),
        "date__year": OuterRef("month__year"),
        "date__month": OuterRef("month__month"),
        "status": ActivityStatus.CONFIRMED,
    }
    activities = ServiceActivity.objects.filter(**in_month).order_by().values("village")
    participants = (
        ActivityParticipant.objects.filter(**{f"activity__{k}": v for k, v in in_month.items()})
        .order_by()
        .values("activity__village")
    )
    return months.annotate(
        total_activities=Coalesce(Subquery(activities.annotate(n=Count("pk")).values("n")), 0),
        total_beneficiaries=Coalesce(Subquery(activities.annotate(n=Sum("beneficiaries")).values("n")), 0),
        total_hours=Coalesce(
            Subquery(participants.annotate(n=Sum("hours")).values("n")),
            Value(Decimal("0")),
            output_field=DecimalField(),
        ),
        total_participants=Coalesce(
            Subquery(participants.filter(talent__isnull=False).annotate(n=Count("pk")).values("n")), 0
        ),
    )
