"""Monthly reminders: service and contact on the 20th, the month close on the 1st, 6th and 10th."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse

from pairing.choices import Role
from pairing.core.jobs import job

from .. import compliance, recipients
from ..choices import ActivityStatus, MonthStatus, NotificationKind
from ..compliance import Period
from ..models import ActivityParticipant, LedgerMonth
from ..periods import month_range
from ..services.notifications import Message, talent_targets, users
from .common import (
    chunks,
    names_text,
    previous_month,
    report,
    send_reminder,
    system_actor,
    villages_by,
)

# -- monthly service and contact (the 20th) ---------------------------------------------------


@job("talent_monthly_service", label="城市人才月度服务提醒（每月20日）", schedule="0 9 20 * *")
def talent_monthly_service(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Talents assigned this year with neither a confirmed nor a pending activity this month."""
    period = Period("month", on.year, on.month)
    start, end = month_range(period.start)
    marked = compliance.talents_marked(system_actor(), period, on)
    pending = ActivityParticipant.objects.filter(
        talent_id=OuterRef("talent_id"),
        activity__status=ActivityStatus.PENDING,
        activity__date__gte=start,
        activity__date__lt=end,
    )
    rows = (
        marked.queryset.filter(marked.unmet)
        .exclude(Exists(pending))
        .order_by("pk")
        .values_list("pk", "talent_id", "talent__name", "village__name")
    )
    link, outcomes = reverse("ledgers:my_services"), []
    for chunk in chunks(rows):
        targets = talent_targets(row[1] for row in chunk)
        messages = [
            Message(targets[t], {"name": name, "month": period.label, "village": village}, link, subject_id=pk)
            for pk, t, name, village in chunk
        ]
        outcomes.append(send_reminder("talent_monthly_service", period, messages, dry_run))
    return report("城市人才月度服务提醒", outcomes, dry_run)


@job("unit_monthly_contact", label="县直单位月度联系提醒（每月20日）", schedule="0 9 20 * *")
def unit_monthly_contact(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Liaisons of units that have not contacted a paired village this month: one per pairing."""
    period = Period("month", on.year, on.month)
    marked = compliance.units_marked(system_actor(), period, on)
    rows = (
        marked.queryset.filter(marked.unmet).order_by("pk").values_list("pk", "unit_id", "unit__name", "village__name")
    )
    outcomes = []
    for chunk in chunks(rows):
        liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {row[1] for row in chunk})
        messages = [
            Message(
                target,
                {"unit": unit, "month": period.label, "count": 1, "villages": village},
                reverse("ledgers:activity_list"),
                subject_id=pk,
                key=f"unit_monthly_contact:{period.param}:{pk}",
            )
            for pk, unit_id, unit, village in chunk
            for target in users(liaisons.get(unit_id, []))
        ]
        outcomes.append(send_reminder("unit_monthly_contact", period, messages, dry_run))
    return report("县直单位月度联系提醒", outcomes, dry_run)


# -- month close (1st, 6th, 10th) ---------------------------------------------------------------


@job("village_month_submit", label="村月度台账报送提醒（每月1日）", schedule="0 9 1 * *")
def village_month_submit(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Villages that have not submitted last month's ledger: their secretaries."""
    period = previous_month(on)
    marked = compliance.months_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.unmet).order_by("pk").values_list("pk", "name")
    outcomes = []
    for chunk in chunks(rows):
        secretaries = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, {row[0] for row in chunk})
        messages = [
            Message(
                target,
                {"village": name, "month": period.label},
                reverse("ledgers:month_ledger", args=[pk, period.param]),
                subject_id=pk,
            )
            for pk, name in chunk
            for target in users(secretaries.get(pk, []))
        ]
        outcomes.append(send_reminder("village_month_submit", period, messages, dry_run))
    return report("村月度台账报送提醒", outcomes, dry_run)


@job("township_month_confirm", label="乡镇月度台账确认提醒（每月6日）", schedule="0 9 6 * *")
def township_month_confirm(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Townships with villages' months for last month submitted and not yet confirmed: their officers."""
    period = previous_month(on)
    rows = (
        LedgerMonth.objects.filter(month=period.start, status=MonthStatus.SUBMITTED)
        .order_by("village__township_id", "village__code")
        .values_list("village__township_id", "village__township__name", "village__name")
    )
    grouped = villages_by(rows, 0)
    names = {row[0]: row[1] for row in rows}
    officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, grouped)
    messages = [
        Message(
            target,
            {"township": names[t], "month": period.label, "count": len(v), "villages": names_text(v)},
            reverse("ledgers:month_queue"),
            subject_id=t,
        )
        for t, v in grouped.items()
        for target in users(officers.get(t, []))
    ]
    return report("乡镇月度台账确认提醒", [send_reminder("township_month_confirm", period, messages, dry_run)], dry_run)


@job("county_month_escalation", label="月度台账未完成督办县委组织部（每月10日）", schedule="0 9 10 * *")
def county_month_escalation(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Villages whose last month is neither confirmed nor locked, per county, to its county admins."""
    period = previous_month(on)
    done = LedgerMonth.objects.filter(
        village=OuterRef("pk"), month=period.start, status__in=[MonthStatus.CONFIRMED, MonthStatus.LOCKED]
    )
    from pairing.models import Village

    rows = (
        Village.objects.filter(~Exists(done))
        .order_by("township__county_id", "code")
        .values_list("township__county_id", "name")
    )
    grouped = villages_by(rows, 0)
    admins = recipients.accounts_by_anchor(Role.COUNTY_ADMIN, grouped)
    today = f"{on.month}月{on.day}日"
    messages = [
        Message(
            target,
            {"month": period.label, "date": today, "count": len(v), "villages": names_text(v)},
            f"{reverse('ledgers:compliance_rule', args=['months'])}?period={period.param}",
            subject_id=county,
        )
        for county, v in grouped.items()
        for target in users(admins.get(county, []))
    ]
    outcome = send_reminder("county_month_escalation", period, messages, dry_run, kind=NotificationKind.ESCALATION)
    return report("月度台账督办", [outcome], dry_run)
