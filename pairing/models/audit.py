"""The append-only audit trail (SECURITY.md 12-13)."""

from urllib.parse import urlencode

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pairing.core.local_time import local_text

from ..choices import AuditResult


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    def visible_to(self, user):
        """Only the auditor role (and superusers) read the audit trail; an auditor sees their county."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.role == "auditor":
            return self.filter(county_id=user.county_id) if user.county_id else self.all()
        return self.none()


class AuditEvent(models.Model):
    """One audit record: who did what to which object, when, from where, and with what result."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # Plain ids rather than foreign keys: an audit row never changes when a user or object does.
    user_id = models.BigIntegerField("用户ID", null=True, blank=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    county_id = models.BigIntegerField("县（区）ID", null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    message = models.TextField("说明", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{local_text(self.created_at, '%Y-%m-%d %H:%M:%S')} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The audit search for this record's object and its related rows (the object column's link)."""
        if not (self.object_type and self.object_id):
            return ""
        return f"{reverse('pairing:audit_log')}?{urlencode({'related_to': f'{self.object_type}:{self.object_id}'})}"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    @property
    def changes_text(self) -> str:
        """Before → after of each changed field, by the field's Chinese name."""
        if not isinstance(self.changes, dict):
            return ""
        names = {}
        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except (LookupError, ValueError):
            model = None
        if model is not None:
            names = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
        parts = []
        for key, value in self.changes.items():
            if isinstance(value, list) and len(value) == 2:
                before, after = ("（空）" if v in (None, "") else v for v in value)
                parts.append(f"{names.get(key, key)}：{before} → {after}")
            else:
                parts.append(f"{names.get(key, key)}：{value}")
        return "；".join(parts)
