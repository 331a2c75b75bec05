"""催办 from the compliance board, and the reminder log behind it.

A county admin or township officer picks rows on a rule's list (or all of them) and sends each
row's people a reminder: one per row, rule and period (the dedupe key), whoever presses again.
The rows come from the actor's own scoped list (compliance.behind_queryset), so nobody outside
the actor's scope, or not behind, can be reminded.
"""

import datetime

from django.db import transaction
from django.urls import reverse

from pairing.choices import Role
from pairing.core import audit
from pairing.core.services import Denied
from pairing.roles import has_role

from .. import compliance, recipients
from ..choices import NotificationKind
from ..models import Notification
from .notifications import Message, Outcome, send, talent_targets, users

URGER_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER)


def may_urge(user) -> bool:
    return has_role(user, *URGER_ROLES)


def _targets(rule, objects) -> dict[int, list]:
    """{row pk: the targets who answer for it}, a few set-based queries for the whole list."""
    if rule.code == "talents":
        talents = talent_targets(o.talent_id for o in objects)
        return {o.pk: [talents[o.talent_id]] for o in objects}
    if rule.code == "months":
        accounts = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, {o.pk for o in objects})
        return {o.pk: users(accounts.get(o.pk, [])) for o in objects}
    if rule.code == "reports":
        accounts = recipients.accounts_by_anchor(Role.TOWNSHIP_OFFICER, {o.pk for o in objects})
        return {o.pk: users(accounts.get(o.pk, [])) for o in objects}
    liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {o.unit_id for o in objects})
    if rule.code == "units":
        return {o.pk: users(liaisons.get(o.unit_id, [])) for o in objects}
    secretaries = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, {o.village_id for o in objects})
    return {o.pk: users(liaisons.get(o.unit_id, []) + secretaries.get(o.village_id, [])) for o in objects}


@transaction.atomic
def urge(
    *,
    actor,
    rule,
    period,
    today: datetime.date,
    row_ids: list[int] | None,
    still_open: bool = False,
    township_id: int | None = None,
    county_id: int | None = None,
) -> Outcome:
    """Remind the people of the chosen rows (None: every row on the actor's list — the rows behind,
    or with `still_open` the rows not done yet before the deadline — within the township or county
    the list is narrowed to)."""
    if not may_urge(actor):
        raise Denied("只有县委组织部和乡镇党委工作人员可以催办。", object_type="ledgers.compliance")
    queryset, months = compliance.behind_queryset(
        actor, rule, period, today, township_id, still_open=still_open, county_id=county_id
    )
    if row_ids is not None:
        queryset = queryset.filter(pk__in=row_ids)
    objects = list(queryset)
    targets = _targets(rule, objects)
    sender = actor.display_name
    link = f"{reverse('ledgers:compliance_rule', args=[rule.code])}?period={period.param}"
    messages = []
    for row in compliance.to_rows(rule, objects, months):
        subject = "·".join(c for c in row.cells if c)
        context = {"sender": sender, "rule": rule.title, "period": period.label, "subject": subject}
        key = f"urge:{rule.code}:{period.param}:{row.pk}"
        messages += [Message(t, context, link, subject_id=row.pk, key=key) for t in targets[row.pk]]
    outcome = send(
        template="urge",
        kind=NotificationKind.URGE,
        messages=messages,
        rule=rule.code,
        period=period.param,
        sent_by=actor,
    )
    audit.record(
        action="urge",
        actor=actor,
        object_type="ledgers.compliance",
        message=f"{period.label}“{rule.title}”催办 {len(objects)} 项，发送 {outcome.sent} 条",
    )
    return outcome


def urged(rule, period, subject_ids) -> dict[int, Notification]:
    """The latest 催办 of each of these rows (already in the viewer's scope), for the board."""
    rows = (
        Notification.objects.filter(
            kind=NotificationKind.URGE, rule=rule.code, period=period.param, subject_id__in=list(subject_ids)
        )
        .select_related("sent_by")
        .order_by("subject_id", "-created_at")
    )
    latest = {}
    for row in rows:
        latest.setdefault(row.subject_id, row)
    return latest


def reminder_log_rows(user, rule, period, today: datetime.date):
    """(every reminder and 催办 of `period` about rows of `rule` in the user's scope, newest first;
    the pks of the rows still behind). Notifications are personal, so this reads them by subject:
    only rows on the user's own scoped list qualify."""
    from ..jobs import JOB_RULES

    marked = rule.mark(user, period, today)
    behind = set(marked.queryset.filter(marked.unmet).values_list("pk", flat=True))
    codes = [rule.code] + [job for job, code in JOB_RULES.items() if code == rule.code]
    rows = (
        Notification.objects.filter(rule__in=codes, period=period.param, subject_id__in=marked.queryset.values("pk"))
        .select_related("recipient", "talent", "sent_by")
        .order_by("-created_at", "-pk")
    )
    return rows, behind
