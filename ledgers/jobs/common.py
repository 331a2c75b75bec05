"""What every reminder job shares: the system actor, batches, the report lines, recipients."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model

from pairing.choices import Role

from .. import recipients
from ..choices import NotificationKind
from ..compliance import Period
from ..services.notifications import Outcome, send


def system_actor():
    """An unsaved account that sees every row: jobs answer for the whole database."""
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def chunks(rows):
    """Rows of a values_list queryset in batches, streamed from the database."""
    batch = []
    for row in rows.iterator(chunk_size=settings.NOTIFICATION_BATCH_SIZE):
        batch.append(row)
        if len(batch) == settings.NOTIFICATION_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def report(name: str, outcomes: list[Outcome], dry_run: bool) -> list[str]:
    sent = sum(o.sent for o in outcomes)
    skipped = sum(o.skipped for o in outcomes)
    verb = "将发送" if dry_run else "已发送"
    head = f"{name}：{verb} {sent} 条，已发过或无法送达 {skipped} 条"
    return [head] + [line for o in outcomes for line in o.lines]


def previous_month(on: datetime.date) -> Period:
    last = on.replace(day=1) - datetime.timedelta(days=1)
    return Period("month", last.year, last.month)


def pairing_parties(pairings) -> dict[int, list[int]]:
    """{pairing id: account ids of the village's secretaries and the unit's liaisons}."""
    secretaries = recipients.accounts_by_anchor(Role.VILLAGE_SECRETARY, {p[1] for p in pairings})
    liaisons = recipients.accounts_by_anchor(Role.UNIT_LIAISON, {p[2] for p in pairings})
    return {p[0]: secretaries.get(p[1], []) + liaisons.get(p[2], []) for p in pairings}


def send_reminder(
    name: str, period: Period | None, messages, dry_run: bool, kind=NotificationKind.REMINDER, key=""
) -> Outcome:
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


def villages_by(rows, key_index: int) -> dict[int, list[str]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[key_index]].append(row[-1])
    return grouped


def names_text(names: list[str], limit: int = 20) -> str:
    text = "、".join(names[:limit])
    return text + (f"等 {len(names)} 个" if len(names) > limit else "")
