"""Yearly and half-yearly reminders: agreements, joint meetings and their resolutions, township reports."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from pairing.choices import Role
from pairing.core.jobs import job
from pairing.models.directory import pairing_active_in

from .. import compliance, recipients
from ..choices import NotificationKind, ResolutionStatus
from ..compliance import Period
from ..models import MeetingResolution
from ..periods import half_label, half_of, half_year_range
from ..services.notifications import Message, send, users
from .common import (
    chunks,
    names_text,
    pairing_parties,
    report,
    send_reminder,
    system_actor,
    villages_by,
)

# -- agreements (January to March; escalation after March 31) -----------------------------------


@job("agreement_signing", label="三清单一协议签订提醒（1—3月每周）", schedule="0 9 * 1-3 1")
def agreement_signing(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Both parties of each pairing without a signed agreement for the year, once a week."""
    if on.month > 3:
        return ["三清单一协议签订提醒：3月31日后改为向乡镇督办，本提醒不再发送"]
    period = Period("half", on.year, 1)
    week = on.isocalendar()
    marked = compliance.agreements_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.unmet).order_by("pk")
    rows = rows.values_list("pk", "village_id", "unit_id", "village__name", "unit__name")
    outcomes = []
    for chunk in chunks(rows):
        parties = pairing_parties(chunk)
        messages = [
            Message(
                target,
                {"village": village, "unit": unit, "year": on.year},
                reverse("pairing:agreement_overview"),
                subject_id=pk,
                key=f"agreement_signing:{week.year}-W{week.week:02d}:{pk}",
            )
            for pk, _v, _u, village, unit in chunk
            for target in users(parties[pk])
        ]
        outcomes.append(send_reminder("agreement_signing", period, messages, dry_run))
    return report("三清单一协议签订提醒", outcomes, dry_run)


@job("agreement_escalation", label="协议逾期未签订督办乡镇（4月1日）", schedule="0 9 1 4 *")
def agreement_escalation(*, on: datetime.date, dry_run: bool) -> list[str]:
    """After March 31: pairings still without a signed agreement, per township, to its officers."""
    if on < datetime.date(on.year, 4, 1):
        return ["协议签订督办：3月31日前不督办"]
    period = Period("half", on.year, 1)
    marked = compliance.agreements_marked(system_actor(), period, on)
    rows = (
        marked.queryset.filter(marked.unmet)
        .order_by("village__township_id", "village__code")
        .values_list("village__township_id", "village__township__name", "village__name")
    )
    grouped = villages_by(rows, 0)
    names = {row[0]: row[1] for row in rows}
    officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, grouped)
    messages = [
        Message(
            target,
            {"township": names[t], "year": on.year, "count": len(v), "pairings": names_text(v)},
            f"{reverse('ledgers:compliance_rule', args=['agreements'])}?period={period.param}",
            subject_id=t,
        )
        for t, v in grouped.items()
        for target in users(officers.get(t, []))
    ]
    outcome = send_reminder("agreement_escalation", period, messages, dry_run, kind=NotificationKind.ESCALATION)
    return report("协议签订督办", [outcome], dry_run)


# -- half-year meetings and resolutions (June 1, December 1) -------------------------------------


@job("meeting_half_year", label="联席会议提醒（6月1日、12月1日）", schedule="0 9 1 6,12 *")
def meeting_half_year(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Both parties of each pairing without a final joint meeting in this half year."""
    period = Period("half", on.year, half_of(on))
    deadline = half_year_range(on.year, half_of(on))[1] - datetime.timedelta(days=1)
    marked = compliance.meetings_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.unmet).order_by("pk")
    rows = rows.values_list("pk", "village_id", "unit_id", "village__name", "unit__name")
    outcomes = []
    for chunk in chunks(rows):
        parties = pairing_parties(chunk)
        messages = [
            Message(
                target,
                {
                    "village": village,
                    "unit": unit,
                    "half": period.label,
                    "deadline": f"{deadline.month}月{deadline.day}日",
                },
                reverse("ledgers:meeting_list"),
                subject_id=pk,
                key=f"meeting_half_year:{period.param}:{pk}",
            )
            for pk, _v, _u, village, unit in chunk
            for target in users(parties[pk])
        ]
        outcomes.append(send_reminder("meeting_half_year", period, messages, dry_run))
    return report("联席会议提醒", outcomes, dry_run)


def _resolutions(condition: Q, year: int):
    return (
        MeetingResolution.objects.filter(condition)
        .exclude(follow_up_status=ResolutionStatus.DONE)
        .filter(pairing_active_in(year, "meeting__pairing__"))
        .order_by("pk")
        .values_list(
            "pk",
            "meeting__pairing__village_id",
            "meeting__pairing__unit_id",
            "meeting__pairing__village__name",
            "meeting__pairing__unit__name",
            "content",
            "responsible",
            "due_date",
            "meeting_id",
        )
    )


def _resolution_messages(chunk, name: str, key) -> list[Message]:
    parties = pairing_parties([(row[0], row[1], row[2]) for row in chunk])
    return [
        Message(
            target,
            {
                "village": village,
                "unit": unit,
                "content": content[:60],
                "responsible": responsible,
                "due": f"{due.year}年{due.month}月{due.day}日",
            },
            reverse("ledgers:meeting_detail", args=[meeting_id]),
            subject_id=pk,
            key=key(pk, due),
        )
        for pk, _v, _u, village, unit, content, responsible, due, meeting_id in chunk
        for target in users(parties[pk])
    ]


@job("resolution_due", label="联席会议议定事项到期提醒（每日）", schedule="0 9 * * *")
def resolution_due(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Resolutions due in RESOLUTION_DUE_NOTICE_DAYS (or less) and not done: the meeting's parties
    (the responsible person is a name on the resolution; the parties are the accounts behind it)."""
    horizon = on + datetime.timedelta(days=settings.RESOLUTION_DUE_NOTICE_DAYS)
    rows = _resolutions(Q(due_date__gte=on, due_date__lte=horizon), on.year)
    outcomes = []
    for chunk in chunks(rows):
        messages = _resolution_messages(chunk, "resolution_due", lambda pk, due: f"resolution_due:{pk}:{due}")
        outcomes.append(
            send(
                template="resolution_due",
                kind=NotificationKind.REMINDER,
                messages=messages,
                rule="resolution_due",
                dry_run=dry_run,
            )
        )
    return report("议定事项到期提醒", outcomes, dry_run)


@job("resolution_overdue", label="联席会议议定事项逾期提醒（6月1日、12月1日）", schedule="0 9 1 6,12 *")
def resolution_overdue(*, on: datetime.date, dry_run: bool) -> list[str]:
    period = Period("half", on.year, half_of(on))
    rows = _resolutions(Q(due_date__lt=on), on.year)
    outcomes = []
    for chunk in chunks(rows):
        messages = _resolution_messages(
            chunk, "resolution_overdue", lambda pk, due: f"resolution_overdue:{period.param}:{pk}"
        )
        outcomes.append(send_reminder("resolution_overdue", period, messages, dry_run))
    return report("议定事项逾期提醒", outcomes, dry_run)


# -- township half-year reports (January 1–5, July 1–5) -----------------------------------------


@job("township_half_year_report", label="乡镇半年工作报告提醒（1月、7月1—5日）", schedule="0 9 1-5 1,7 *")
def township_half_year_report(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Townships that have not submitted the report of the half year that just ended."""
    year, half = (on.year - 1, 2) if on.month <= 6 else (on.year, 1)
    period = Period("half", year, half)
    marked = compliance.reports_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.unmet).order_by("pk").values_list("pk", "name")
    outcomes = []
    for chunk in chunks(rows):
        officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, {row[0] for row in chunk})
        messages = [
            Message(
                target,
                {"township": name, "half": half_label(year, half)},
                reverse("ledgers:report_list"),
                subject_id=pk,
            )
            for pk, name in chunk
            for target in users(officers.get(pk, []))
        ]
        outcomes.append(send_reminder("township_half_year_report", period, messages, dry_run))
    return report("乡镇半年工作报告提醒", outcomes, dry_run)
