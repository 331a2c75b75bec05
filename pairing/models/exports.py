"""An export request: who asked for which list or report, how far its file is, and until when it
can be downloaded (pairing/core/exports.py builds it; the nightly job deletes expired files)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pairing.choices import ExportStatus


class ExportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportQuerySet":
        """A user sees only the exports they asked for: the file holds what their scope allowed."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(owner=user)


class Export(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="exports", verbose_name="申请人")
    kind = models.CharField("导出类型", max_length=40)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    rows = models.PositiveIntegerField("行数", default=0)
    file = models.FileField("文件", max_length=200, blank=True)
    filename = models.CharField("文件名", max_length=150, blank=True)
    error = models.CharField("失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("下载截止时间", null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导出记录"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_created")]

    def __str__(self):
        return self.filename or self.kind

    def get_absolute_url(self) -> str:
        return reverse("pairing:export_detail", args=[self.pk])

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    def download_url(self) -> str:
        return reverse("pairing:export_download", args=[self.pk])
