"""Notifications: a personal inbox (invitations, event notices, reminders, 催办), with email and SMS.

An inbox is personal, so the scope is "own only" for every role, superusers included; the model
therefore has no `Scope` and decides in its own `visible_to` (pairing.core.views.role_sees allows
for that). A talent without an account still gets a row: it names the talent, has no recipient,
and is delivered by SMS to the phone on file.

The dedupe key says what a row is about (an event occurrence, or a rule and its period); one row
per (recipient or talent, kind, key) is enforced by the database, which is what makes every job's
rerun a no-op (bulk inserts ignore the conflicts).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pairing.models import UrbanTalent

from ..choices import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one account (or to a talent without one), with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="接收人",
    )
    talent = models.ForeignKey(
        UrbanTalent,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="城市人才",
        help_text="未开通账号的城市人才：通过短信发送到登记的手机号码",
    )
    kind = models.CharField("类型", max_length=20, choices=NotificationKind.choices, default=NotificationKind.NOTICE)
    dedupe_key = models.CharField("去重键", max_length=120, blank=True, default="")
    rule = models.CharField("提醒事项", max_length=40, blank=True, default="", help_text="规则或任务代码")
    period = models.CharField("期间", max_length=10, blank=True, default="")
    # The row on the rule's list it is about (assignment, pairing, village, township), so the
    # reminder log can tell who has complied since.
    subject_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", max_length=2000, blank=True)
    link = models.CharField("链接", max_length=300, blank=True, help_text="站内路径，如 /ledgers/demands/1/")
    channels = models.CharField("发送渠道", max_length=40, blank=True, default="inbox")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="催办人"
    )
    delivered_at = models.DateTimeField("外部渠道发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["rule", "period"], name="notification_rule_period_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(talent__isnull=False), name="notification_has_addressee"
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "dedupe_key"],
                condition=Q(recipient__isnull=False) & ~Q(dedupe_key=""),
                name="uniq_notification_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["talent", "kind", "dedupe_key"],
                condition=Q(recipient__isnull=True) & ~Q(dedupe_key=""),
                name="uniq_notification_per_talent",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class NotificationPreference(models.Model):
    """Which channels besides the inbox one account wants (the inbox is always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference", verbose_name="用户"
    )
    email = models.BooleanField("同时发送电子邮件", default=False)
    sms = models.BooleanField("同时发送短信", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道设置"

    def __str__(self):
        return str(self.user)


class NotificationTemplate(models.Model):
    """A message's wording, editable by county admins; without a row the shipped default is used."""

    code = models.CharField("模板代码", max_length=40, unique=True)
    title = models.CharField("标题模板", max_length=200)
    body = models.TextField("内容模板", max_length=2000)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知模板"
        ordering = ["code"]

    def __str__(self):
        from ..notify_templates import DEFAULTS

        default = DEFAULTS.get(self.code)
        return default.label if default else self.code
