"""Sending and reading notifications. Generic: invitations use it now, reminders later."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Notification


def notify(*, recipient, kind: str, title: str, body: str = "", link: str = "") -> Notification:
    """One notification row for one account, in the caller's transaction (nothing is sent if it rolls back)."""
    validate_link(link)
    notification = Notification(recipient=recipient, kind=kind, title=title[:100], body=body[:2000], link=link[:300])
    notification.full_clean(exclude=["recipient"])
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


def validate_link(link: str) -> str:
    """Only site-relative links: a notification never sends anybody off-site."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValidationError({"link": "通知链接只能是站内路径。"})
    return link
