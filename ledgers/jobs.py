"""The ledgers' scheduled reminders (DOMAIN.md "Rules the software checks"; 000 §六2: the county
"定期开展检查提醒，督促开展相关活动").

Each job reads the rule's list from ledgers/compliance.py (the same queries as the board), as of
the local date `on`, over the whole database (a system actor that sees everything), walks the rows
in batches of NOTIFICATION_BATCH_SIZE ids and sends through services.notifications.send(): the
dedupe key (job, period[, row]) makes a rerun send nothing. Defaults for the schedules are in
settings.JOB_SCHEDULES (the declared ones below are the fallback).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.jobs import job
from pairing.models import Pairing
from pairing.models.directory import pairing_active_in

from . import compliance, recipients
from .choices import ActivityStatus, ClaimStatus, DemandStatus, MonthStatus, NotificationKind, ResolutionStatus
from .compliance import Period
from .models import ActivityParticipant, Demand, DemandClaim, LedgerMonth, MeetingResolution, Notification
from .periods import aware_bounds, half_label, half_of, half_year_range, month_range
from .services.notifications import Message, Outcome, deliver, send, talent_targets, users

# Rule reminders, by compliance rule: the reminder log counts both the job's rows and 催办.
JOB_RULES = {
    "talent_monthly_service": "talents",
    "unit_monthly_contact": "units",
    "agreement_signing": "agreements",
    "meeting_half_year": "meetings",
    "village_month_submit": "months",
    "township_half_year_report": "reports",
}


def system_actor():
    """An unsaved account that sees every row: jobs answer for the whole database."""
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def _chunks(rows):
    """Rows of a values_list queryset in batches, streamed from the database."""
    batch = []
    for row in rows.iterator(chunk_size=settings.NOTIFICATION_BATCH_SIZE):
        batch.append(row)
        if len(batch) == settings.NOTIFICATION_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _report(name: str, outcomes: list[Outcome], dry_run: bool) -> list[str]:
    sent = sum(o.sent for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    verb = "将发送" if dry_run else "已发送"
    head = f"{name}：{verb} {sent} 条，已发过或无法送达 {skipped} 条"
    return [head] + [line for o in outcomes for line in o.lines]


def _previous_month(on: datetime.date) -> Period:
    last = on.replace(day=1) - datetime.timedelta(days=1)
    return Period("month", last.year, last.month)


def _pairing_parties(pairings) -> dict[int, list[int]]:
    """{pairing id: account ids of the village's secretaries and the unit's liaisons}."""
    secretaries = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, {p[1] for p in pairings})
    liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {p[2] for p in pairings})
    return {p[0]: secretaries.get(p[1], []) + liaisons.get(p[2], []) for p in pairings}


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
        marked.queryset.filter(marked.behind)
        .exclude(Exists(pending))
        .order_by("pk")
        .values_list("pk", "talent_id", "talent__name", "village__name")
    )
    link, outcomes = reverse("ledgers:my_services"), []
    for chunk in _chunks(rows):
        targets = talent_targets(row[1] for row in chunk)
        messages = [
            Message(targets[t], {"name": name, "month": period.label, "village": village}, link, subject_id=pk)
            for pk, t, name, village in chunk
        ]
        outcomes.append(_send("talent_monthly_service", period, messages, dry_run))
    return _report("城市人才月度服务提醒", outcomes, dry_run)


def _send(name: str, period: Period | None, messages, dry_run: bool, kind=NotificationKind.REMINDER, key="") -> Outcome:
    param = period.param if period else ""
    return send(
        template=name,
        kind=kind,
        key=key or f"{name}:{param}",
        messages=messages,
        rule=name,
        period=param,
        dry_run=dry_run,
    )


@job("unit_monthly_contact", label="县直单位月度联系提醒（每月20日）", schedule="0 9 20 * *")
def unit_monthly_contact(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Liaisons of units that have not contacted a paired village this month: one per pairing."""
    period = Period("month", on.year, on.month)
    marked = compliance.units_marked(system_actor(), period, on)
    rows = (
        marked.queryset.filter(marked.behind).order_by("pk").values_list("pk", "unit_id", "unit__name", "village__name")
    )
    outcomes = []
    for chunk in _chunks(rows):
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
        outcomes.append(_send("unit_monthly_contact", period, messages, dry_run))
    return _report("县直单位月度联系提醒", outcomes, dry_run)


# -- month close (1st, 6th, 10th) ---------------------------------------------------------------


@job("village_month_submit", label="村月度台账报送提醒（每月1日）", schedule="0 9 1 * *")
def village_month_submit(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Villages that have not submitted last month's ledger: their secretaries."""
    period = _previous_month(on)
    marked = compliance.months_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.behind).order_by("pk").values_list("pk", "name")
    outcomes = []
    for chunk in _chunks(rows):
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
        outcomes.append(_send("village_month_submit", period, messages, dry_run))
    return _report("村月度台账报送提醒", outcomes, dry_run)


def _villages_by(rows, key_index: int) -> dict[int, list[str]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[key_index]].append(row[-1])
    return grouped


def _names(names: list[str], limit: int = 20) -> str:
    text = "、".join(names[:limit])
    return text + (f"等 {len(names)} 个" if len(names) > limit else "")


@job("township_month_confirm", label="乡镇月度台账确认提醒（每月6日）", schedule="0 9 6 * *")
def township_month_confirm(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Townships with villages' months for last month submitted and not yet confirmed: their officers."""
    period = _previous_month(on)
    rows = (
        LedgerMonth.objects.filter(month=period.start, status=MonthStatus.SUBMITTED)
        .order_by("village__township_id", "village__code")
        .values_list("village__township_id", "village__township__name", "village__name")
    )
    grouped = _villages_by(rows, 0)
    names = {row[0]: row[1] for row in rows}
    officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, grouped)
    messages = [
        Message(
            target,
            {"township": names[t], "month": period.label, "count": len(v), "villages": _names(v)},
            reverse("ledgers:month_queue"),
            subject_id=t,
        )
        for t, v in grouped.items()
        for target in users(officers.get(t, []))
    ]
    return _report("乡镇月度台账确认提醒", [_send("township_month_confirm", period, messages, dry_run)], dry_run)


@job("county_month_escalation", label="月度台账未完成督办县委组织部（每月10日）", schedule="0 9 10 * *")
def county_month_escalation(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Villages whose last month is neither confirmed nor locked, per county, to its county admins."""
    period = _previous_month(on)
    done = LedgerMonth.objects.filter(
        village=OuterRef("pk"), month=period.start, status__in=[MonthStatus.CONFIRMED, MonthStatus.LOCKED]
    )
    from pairing.models import Village

    rows = (
        Village.objects.filter(~Exists(done))
        .order_by("township__county_id", "code")
        .values_list("township__county_id", "name")
    )
    grouped = _villages_by(rows, 0)
    admins = recipients.accounts_by_anchor(Role.COUNTY_ADMIN, grouped)
    today = f"{on.month}月{on.day}日"
    messages = [
        Message(
            target,
            {"month": period.label, "date": today, "count": len(v), "villages": _names(v)},
            f"{reverse('ledgers:compliance_rule', args=['months'])}?period={period.param}",
            subject_id=county,
        )
        for county, v in grouped.items()
        for target in users(admins.get(county, []))
    ]
    outcome = _send("county_month_escalation", period, messages, dry_run, kind=NotificationKind.ESCALATION)
    return _report("月度台账督办", [outcome], dry_run)


# -- agreements (January to March; escalation after March 31) -----------------------------------


@job("agreement_signing", label="三清单一协议签订提醒（1—3月每周）", schedule="0 9 * 1-3 1")
def agreement_signing(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Both parties of each pairing without a signed agreement for the year, once a week."""
    if on.month > 3:
        return ["三清单一协议签订提醒：3月31日后改为向乡镇督办，本提醒不再发送"]
    period = Period("half", on.year, 1)
    week = on.isocalendar()
    marked = compliance.agreements_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.behind).order_by("pk")
    rows = rows.values_list("pk", "village_id", "unit_id", "village__name", "unit__name")
    outcomes = []
    for chunk in _chunks(rows):
        parties = _pairing_parties(chunk)
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
        outcomes.append(_send("agreement_signing", period, messages, dry_run))
    return _report("三清单一协议签订提醒", outcomes, dry_run)


@job("agreement_escalation", label="协议逾期未签订督办乡镇（4月1日）", schedule="0 9 1 4 *")
def agreement_escalation(*, on: datetime.date, dry_run: bool) -> list[str]:
    """After March 31: pairings still without a signed agreement, per township, to its officers."""
    if on < datetime.date(on.year, 4, 1):
        return ["协议签订督办：3月31日前不督办"]
    period = Period("half", on.year, 1)
    marked = compliance.agreements_marked(system_actor(), period, on)
    rows = (
        marked.queryset.filter(marked.behind)
        .order_by("village__township_id", "village__code")
        .values_list("village__township_id", "village__township__name", "village__name")
    )
    grouped = _villages_by(rows, 0)
    names = {row[0]: row[1] for row in rows}
    officers = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, grouped)
    messages = [
        Message(
            target,
            {"township": names[t], "year": on.year, "count": len(v), "pairings": _names(v)},
            f"{reverse('ledgers:compliance_rule', args=['agreements'])}?period={period.param}",
            subject_id=t,
        )
        for t, v in grouped.items()
        for target in users(officers.get(t, []))
    ]
    outcome = _send("agreement_escalation", period, messages, dry_run, kind=NotificationKind.ESCALATION)
    return _report("协议签订督办", [outcome], dry_run)


# -- half-year meetings and resolutions (June 1, December 1) -------------------------------------


@job("meeting_half_year", label="联席会议提醒（6月1日、12月1日）", schedule="0 9 1 6,12 *")
def meeting_half_year(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Both parties of each pairing without a final joint meeting in this half year."""
    period = Period("half", on.year, half_of(on))
    deadline = half_year_range(on.year, half_of(on))[1] - datetime.timedelta(days=1)
    marked = compliance.meetings_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.behind).order_by("pk")
    rows = rows.values_list("pk", "village_id", "unit_id", "village__name", "unit__name")
    outcomes = []
    for chunk in _chunks(rows):
        parties = _pairing_parties(chunk)
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
        outcomes.append(_send("meeting_half_year", period, messages, dry_run))
    return _report("联席会议提醒", outcomes, dry_run)


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
    parties = _pairing_parties([(row[0], row[1], row[2]) for row in chunk])
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
    for chunk in _chunks(rows):
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
    return _report("议定事项到期提醒", outcomes, dry_run)


@job("resolution_overdue", label="联席会议议定事项逾期提醒（6月1日、12月1日）", schedule="0 9 1 6,12 *")
def resolution_overdue(*, on: datetime.date, dry_run: bool) -> list[str]:
    period = Period("half", on.year, half_of(on))
    rows = _resolutions(Q(due_date__lt=on), on.year)
    outcomes = []
    for chunk in _chunks(rows):
        messages = _resolution_messages(
            chunk, "resolution_overdue", lambda pk, due: f"resolution_overdue:{period.param}:{pk}"
        )
        outcomes.append(_send("resolution_overdue", period, messages, dry_run))
    return _report("议定事项逾期提醒", outcomes, dry_run)


# -- township half-year reports (January 1–5, July 1–5) -----------------------------------------


@job("township_half_year_report", label="乡镇半年工作报告提醒（1月、7月1—5日）", schedule="0 9 1-5 1,7 *")
def township_half_year_report(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Townships that have not submitted the report of the half year that just ended."""
    year, half = (on.year - 1, 2) if on.month <= 6 else (on.year, 1)
    period = Period("half", year, half)
    marked = compliance.reports_marked(system_actor(), period, on)
    rows = marked.queryset.filter(marked.behind).order_by("pk").values_list("pk", "name")
    outcomes = []
    for chunk in _chunks(rows):
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
        outcomes.append(_send("township_half_year_report", period, messages, dry_run))
    return _report("乡镇半年工作报告提醒", outcomes, dry_run)


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
    return _report("需求日汇总", [outcome], dry_run)


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
    for chunk in _chunks(rows):
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
    return _report("需求久未认领督办", outcomes, dry_run)


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
    for chunk in _chunks(rows):
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
    return _report("认领需求逾期提醒", outcomes, dry_run)


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
