"""Notifications: a personal inbox (invitations to claim, daily summaries, reminders).

Generic on purpose: the reminders feature writes the same rows. An inbox is personal, so the
scope is "own only" for every role, superusers included; the model therefore has no `Scope` and
decides in its own `visible_to` (pairing.core.views.role_sees allows for that).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one account, with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=20, choices=NotificationKind.choices, default=NotificationKind.NOTICE)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", max_length=2000, blank=True)
    link = models.CharField("链接", max_length=300, blank=True, help_text="站内路径，如 /ledgers/demands/1/")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
