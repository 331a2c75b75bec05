"""Daily demand reminders (digest, unclaimed, overdue) and the delivery sweep."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.jobs import job
from pairing.models import Pairing

from .. import recipients
from ..choices import ClaimStatus, DemandStatus, NotificationKind
from ..models import Demand, DemandClaim, Notification
from ..periods import aware_bounds
from ..services.notifications import Message, deliver, send, talent_targets, users
from .common import (
    chunks,
    report,
)

# -- demands (daily) --------------------------------------------------------------------------


OPEN = [DemandStatus.PUBLISHED, DemandStatus.CLAIMED, DemandStatus.IN_PROGRESS]


def _paired_units(village_ids, year: int) -> dict[int, list[int]]:
    units = defaultdict(list)
    rows = Pairing.objects.active_in(year).filter(village_id__in=village_ids).values_list("village_id", "unit_id")
    for village_id, unit_id in rows:
        units[village_id].append(unit_id)
    return units


@job("demand_daily_digest", label="需求日汇总（每日8:00）", schedule="0 8 * * *")
def demand_daily_digest(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Per village: new demands since yesterday, unclaimed and overdue ones; to the village's
    secretaries (its own figures) and the paired units' liaisons (summed over their villages)."""
    start, end = aware_bounds(on - datetime.timedelta(days=1), on + datetime.timedelta(days=1))
    figures = (
        Demand.objects.filter(status__in=OPEN)
        .order_by()
        .values("village_id")
        .annotate(
            new=Count("pk", filter=Q(published_at__gte=start, published_at__lt=end)),
            unclaimed=Count("pk", filter=Q(status=DemandStatus.PUBLISHED, claimed_count=0)),
            overdue=Count("pk", filter=Q(due_date__lt=on)),
        )
    )
    by_village = {f["village_id"]: f for f in figures if f["new"] or f["unclaimed"] or f["overdue"]}
    from pairing.models import CountyUnit, Village

    village_names = dict(Village.objects.filter(pk__in=by_village).values_list("pk", "name"))
    units = _paired_units(by_village, on.year)
    per_unit = defaultdict(lambda: {"new": 0, "unclaimed": 0, "overdue": 0})
    for village_id, unit_ids in units.items():
        for unit_id in unit_ids:
            for field in ("new", "unclaimed", "overdue"):
                per_unit[unit_id][field] += by_village[village_id][field]
    unit_names = dict(CountyUnit.objects.filter(pk__in=per_unit).values_list("pk", "name"))
    secretaries = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, by_village)
    liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, per_unit)
    date = f"{on.month}月{on.day}日"
    link = reverse("ledgers:demand_list")
    messages = [
        Message(
            target,
            {"date": date, "scope": village_names[v], **_counts(f)},
            link,
            subject_id=v,
            key=f"demand_daily_digest:{on}:v{v}",
        )
        for v, f in by_village.items()
        for target in users(secretaries.get(v, []))
    ] + [
        Message(
            target,
            {"date": date, "scope": f"{unit_names[u]}结对村", **f},
            link,
            subject_id=u,
            key=f"demand_daily_digest:{on}:u{u}",
        )
        for u, f in per_unit.items()
        for target in users(liaisons.get(u, []))
    ]
    outcome = send(
        template="demand_daily_digest",
        kind=NotificationKind.DAILY_SUMMARY,
        messages=messages,
        rule="demand_daily_digest",
        period=on.isoformat()[:10],
        dry_run=dry_run,
    )
    return report("需求日汇总", [outcome], dry_run)


def _counts(figure: dict) -> dict:
    return {"new": figure["new"], "unclaimed": figure["unclaimed"], "overdue": figure["overdue"]}


@job("demand_unclaimed_escalation", label="需求久未认领督办（每日）", schedule="30 8 * * *")
def demand_unclaimed_escalation(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Demands nobody has claimed DEMAND_UNCLAIMED_DAYS after publishing: the paired units' liaisons
    and the township's officers, once per demand."""
    days = settings.DEMAND_UNCLAIMED_DAYS
    cutoff, _ = aware_bounds(on - datetime.timedelta(days=days - 1), on)
    rows = (
        Demand.objects.filter(status=DemandStatus.PUBLISHED, claimed_count=0, published_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "village_id", "village__township_id", "village__name", "title", "published_at")
    )
    outcomes = []
    for chunk in chunks(rows):
        units = _paired_units({row[1] for row in chunk}, on.year)
        liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {u for ids in units.values() for u in ids})
        officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, {row[2] for row in chunk})
        messages = []
        for pk, village_id, township_id, village, title, published in chunk:
            ids = officers.get(township_id, []) + [a for u in units.get(village_id, []) for a in liaisons.get(u, [])]
            local = timezone.localtime(published)
            context = {"village": village, "demand": title, "published": f"{local.month}月{local.day}日", "days": days}
            link = reverse("ledgers:demand_detail", args=[pk])
            key = f"demand_unclaimed_escalation:{pk}"
            messages += [Message(t, context, link, subject_id=pk, key=key) for t in users(ids)]
        outcomes.append(
            send(
                template="demand_unclaimed_escalation",
                kind=NotificationKind.ESCALATION,
                messages=messages,
                rule="demand_unclaimed_escalation",
                dry_run=dry_run,
            )
        )
    return report("需求久未认领督办", outcomes, dry_run)


@job("demand_overdue_claimers", label="认领需求逾期提醒（每日）", schedule="30 8 * * *")
def demand_overdue_claimers(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Claimed demands past their due date: the active claimers (talents, or the claiming units' liaisons)."""
    rows = (
        DemandClaim.objects.filter(
            status=ClaimStatus.ACTIVE,
            demand__status__in=[DemandStatus.CLAIMED, DemandStatus.IN_PROGRESS],
            demand__due_date__lt=on,
        )
        .order_by("pk")
        .values_list("demand_id", "talent_id", "unit_id", "demand__village__name", "demand__title", "demand__due_date")
    )
    outcomes = []
    for chunk in chunks(rows):
        talents = talent_targets(row[1] for row in chunk if row[1])
        liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {row[2] for row in chunk if row[2]})
        messages = []
        for demand_id, talent_id, unit_id, village, title, due in chunk:
            targets = [talents[talent_id]] if talent_id else users(liaisons.get(unit_id, []))
            context = {"village": village, "demand": title, "due": f"{due.month}月{due.day}日"}
            link = reverse("ledgers:demand_detail", args=[demand_id])
            key = f"demand_overdue_claimers:{demand_id}"
            messages += [Message(t, context, link, subject_id=demand_id, key=key) for t in targets]
        outcomes.append(
            send(
                template="demand_overdue_claimers",
                kind=NotificationKind.REMINDER,
                messages=messages,
                rule="demand_overdue_claimers",
                dry_run=dry_run,
            )
        )
    return report("认领需求逾期提醒", outcomes, dry_run)


# -- delivery sweep ---------------------------------------------------------------------------


@job("deliver_pending_notifications", label="补发未送达的邮件和短信", schedule="*/15 * * * *")
def deliver_pending_notifications(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Email and SMS whose after-commit delivery did not happen (broker down, a crash): sent now.
    Rows younger than five minutes are left to their own delivery."""
    cutoff = timezone.now() - datetime.timedelta(minutes=5)
    ids = list(
        Notification.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if dry_run:
        return [f"补发：将发送 {len(ids)} 条"]
    delivered = 0
    for start in range(0, len(ids), settings.NOTIFICATION_BATCH_SIZE):
        delivered += deliver(ids[start : start + settings.NOTIFICATION_BATCH_SIZE])
    return [f"补发：已发送 {delivered} 条"]
