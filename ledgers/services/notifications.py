"""Sending and reading notifications.

`send()` is the one way rows are written by events, rule reminders and 催办: it takes targets
(accounts, or talents who may have none), a template code, a dedupe key and per-target values,
and works in batches of NOTIFICATION_BATCH_SIZE targets with a few set-based queries each. A row
that already exists for (recipient or talent, kind, key) is skipped, and the insert itself ignores
conflicts, so a rerun or a concurrent run writes nothing twice. Rows that also go out by email or
SMS are delivered after commit (`deliver`), each claimed by a conditional UPDATE first.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pairing.models import UrbanTalent

from .. import sms
from ..models import Notification, NotificationPreference
from ..notify_templates import compiled

logger = logging.getLogger("ledgers.notifications")

CHANNEL_LABELS = {"inbox": "站内信", "email": "邮件", "sms": "短信"}


@dataclass(frozen=True)
class Target:
    """Who a notification is for: an account, or a talent without one (SMS to the phone on file)."""

    user_id: int | None = None
    talent_id: int | None = None


@dataclass
class Message:
    target: Target
    context: dict = field(default_factory=dict)
    link: str = ""
    subject_id: int | None = None
    key: str = ""  # this message's own dedupe key, when one call sends about several rows


@dataclass
class Outcome:
    sent: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)


def users(ids: Iterable[int]) -> list[Target]:
    return [Target(user_id=i) for i in sorted(set(ids))]


def talent_targets(talent_ids: Iterable[int]) -> dict[int, Target]:
    """{talent id: its active account, or the talent itself when it has none} in one query."""
    ids = set(talent_ids)
    accounts = dict(get_user_model().objects.filter(talent_id__in=ids, is_active=True).values_list("talent_id", "pk"))
    return {t: Target(user_id=accounts[t]) if t in accounts else Target(talent_id=t) for t in ids}


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _channel_label(channels: str) -> str:
    return "、".join(CHANNEL_LABELS[c] for c in channels.split(",") if c)


def send(
    *,
    template: str,
    kind: str,
    key: str = "",
    messages: Iterable[Message],
    rule: str = "",
    period: str = "",
    sent_by=None,
    dry_run: bool = False,
) -> Outcome:
    """Write one notification per message's target unless it already has one for (kind, key)."""
    wording = compiled(template)
    outcome = Outcome()
    unique: dict[tuple, Message] = {}
    for message in messages:
        message.key = message.key or key
        if not message.key:
            raise ValueError("a notification sent through send() needs a dedupe key")
        unique.setdefault((message.target, message.key), message)  # one per target and key
    for chunk in _batches(list(unique.values()), settings.NOTIFICATION_BATCH_SIZE):
        _send_batch(chunk, wording, kind, rule, period, sent_by, dry_run, outcome)
    return outcome


def _send_batch(chunk, wording, kind, rule, period, sent_by, dry_run, outcome) -> None:
    user_ids = {m.target.user_id for m in chunk if m.target.user_id}
    talent_ids = {m.target.talent_id for m in chunk if m.target.user_id is None}
    keys = {m.key for m in chunk}
    existing = Notification.objects.filter(kind=kind, dedupe_key__in=keys)
    done_users = set(existing.filter(recipient_id__in=user_ids).values_list("recipient_id", "dedupe_key"))
    done_talents = set(
        existing.filter(recipient__isnull=True, talent_id__in=talent_ids).values_list("talent_id", "dedupe_key")
    )
    accounts = {
        row["pk"]: row
        for row in get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values("pk", "username", "full_name", "email", "phone")
    }
    prefs = {
        p["user_id"]: p
        for p in NotificationPreference.objects.filter(user_id__in=user_ids).values("user_id", "email", "sms")
    }
    talents = {t["pk"]: t for t in UrbanTalent.objects.filter(pk__in=talent_ids).values("pk", "name", "phone")}
    now = timezone.now()
    rows, lines = [], []
    for message in chunk:
        target = message.target
        if target.user_id:
            account = accounts.get(target.user_id)
            if account is None or (target.user_id, message.key) in done_users:
                outcome.skipped += 1
                continue
            pref = prefs.get(target.user_id, {})
            channels = ["inbox"]
            if pref.get("email") and account["email"]:
                channels.append("email")
            if pref.get("sms") and account["phone"]:
                channels.append("sms")
            name = account["full_name"] or account["username"]
        else:
            talent = talents.get(target.talent_id)
            if talent is None or (target.talent_id, message.key) in done_talents or not talent["phone"]:
                outcome.skipped += 1
                continue
            channels, name = ["sms"], f"{talent['name']}（未开通账号）"
        title, body = wording.render(message.context)
        channel_text = ",".join(channels)
        rows.append(
            Notification(
                recipient_id=target.user_id,
                talent_id=None if target.user_id else target.talent_id,
                kind=kind,
                dedupe_key=message.key,
                rule=rule,
                period=period,
                title=title,
                body=body,
                link=message.link[:300],
                subject_id=message.subject_id,
                channels=channel_text,
                sent_by=sent_by,
                delivered_at=now if channels == ["inbox"] else None,
                created_at=now,
            )
        )
        lines.append(f"{name}：{title}（{_channel_label(channel_text)}）")
    outcome.lines.extend(lines)
    if dry_run or not rows:
        outcome.sent += len(rows)
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    outcome.sent += len(rows)
    pending = list(
        existing.filter(delivered_at__isnull=True, created_at=now)
        .filter(Q(recipient_id__in=user_ids) | Q(recipient__isnull=True, talent_id__in=talent_ids))
        .values_list("pk", flat=True)
    )
    schedule_delivery(pending)


def schedule_delivery(ids: list[int]) -> None:
    """Email and SMS go out after commit, through the queue (in-process when it is unreachable)."""
    if not ids:
        return
    from pairing.core.queueing import enqueue

    from ..tasks import deliver_notifications

    for chunk in _batches(ids, 500):
        transaction.on_commit(lambda chunk=chunk: enqueue(deliver_notifications, chunk))


def deliver(ids: Iterable[int]) -> int:
    """Send the email and SMS of these rows. The batch is claimed first by one conditional UPDATE
    stamping `delivered_at` (healthchecks' pattern): the rows carrying this call's stamp are this
    call's to send, so a rerun or a concurrent delivery sends none of them again."""
    stamp = timezone.now()
    ids = list(ids)
    Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).update(delivered_at=stamp)
    rows = Notification.objects.filter(pk__in=ids, delivered_at=stamp).select_related("recipient", "talent")
    backend, delivered = sms.backend(), 0
    for row in rows:
        channels = row.channel_list
        if "email" in channels and row.recipient and row.recipient.email:
            link = f"\n\n{settings.SITE_URL}{row.link}" if row.link and settings.SITE_URL else ""
            send_mail(row.title, row.body + link, None, [row.recipient.email], fail_silently=False)
        if "sms" in channels:
            phone = row.recipient.phone if row.recipient else (row.talent.phone if row.talent else "")
            if phone:
                backend.send(phone, f"【党建结对共建】{row.title}：{row.body}"[:300])
        delivered += 1
    return delivered


def notify(*, recipient, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> Notification:
    """One inbox row for one account, in the caller's transaction (nothing is sent if it rolls back)."""
    validate_link(link)
    notification = Notification(
        recipient=recipient, kind=kind, title=title[:100], body=body[:2000], link=link[:300], dedupe_key=dedupe_key
    )
    notification.full_clean(exclude=["recipient", "talent"])
    notification.save()
    return notification


@transaction.atomic
def mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read; someone else's is "not found"."""
    row = Notification.objects.visible_to(actor).filter(pk=notification.pk).first()
    if row is None:
        raise Notification.DoesNotExist
    # Conditional: a second tap keeps the first reading time.
    Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    row.refresh_from_db()
    return row


@transaction.atomic
def mark_all_read(*, actor) -> int:
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


@transaction.atomic
def save_preferences(*, actor, email: bool, sms: bool) -> NotificationPreference:
    """The actor's own channel choices (the inbox is always on)."""
    pref, _ = NotificationPreference.objects.get_or_create(user=actor)
    pref.email, pref.sms = bool(email), bool(sms)
    pref.save(update_fields=["email", "sms"])
    return pref


def validate_link(link: str) -> str:
    """Only site-relative links: a notification never sends anybody off-site."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationError({"link": "通知链接只能是站内路径。"})
    return link
