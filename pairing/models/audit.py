"""The append-only audit trail (SECURITY.md 12-13)."""

from urllib.parse import urlencode

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pairing.core.local_time import local_text

from ..choices import AuditResult

# Names of the values services add to a snapshot beside the model's own fields (an activity's
# participants, a demand's specialties…), so the auditor reads Chinese, not the code's keys.
CHANGE_LABELS = {
    "participants": "参与人员",
    "talent": "人才编号",
    "unit": "单位编号",
    "hours": "时长（小时）",
    "specialties": "所需特长",
    "photos": "照片",
    "items": "清单条目",
    "resolutions": "议定事项",
}


def _shown(field, value) -> str:
    """A stored value as the auditor reads it: a choice's label, （空） for nothing, nested rows as
    "名称 值" pairs."""
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, dict):
        return "，".join(f"{CHANGE_LABELS.get(k, k)} {_shown(None, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "；".join(_shown(field, v) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


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
        """Before → after of each changed field, by the field's Chinese name and the value's label."""
        if not isinstance(self.changes, dict):
            return ""
        fields = {}
        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except (LookupError, ValueError):
            model = None
        if model is not None:
            fields = {f.attname: f for f in model._meta.concrete_fields}
        parts = []
        for key, value in self.changes.items():
            name = str(fields[key].verbose_name) if key in fields else CHANGE_LABELS.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                before, after = (_shown(fields.get(key), v) for v in value)
                parts.append(f"{name}：{before} → {after}")
            else:
                parts.append(f"{name}：{_shown(fields.get(key), value)}")
        return "；".join(parts)
