"""Township half-year work reports (000 §四(二)3): whether each township has reported to the county.

The township edits a generated narrative (ledgers/narrative.py) and submits it; the half-year
workbook is built at that moment and stored with the record, so what was submitted stays
downloadable exactly as submitted, whatever later corrections change in the portal.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import Township

from ..choices import ReportStatus
from ..periods import half_label


class TownshipHalfYearReport(ScopedModel):
    """A township's work report to the county organization department for one half year."""

    township = models.ForeignKey(Township, models.PROTECT, related_name="half_year_reports", verbose_name="乡镇")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")])
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    summary = models.TextField("工作报告", max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="起草人"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    workbook = models.FileField("报送时的统计表", max_length=200, blank=True)
    workbook_name = models.CharField("统计表文件名", max_length=120, blank=True)

    scope = Scope(county="township__county", township="township")
    editor_roles = frozenset({Role.TOWNSHIP_OFFICER})

    class Meta:
        verbose_name = verbose_name_plural = "乡镇半年工作报告"
        ordering = ["-year", "-half", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "half"],
                name="uniq_township_report_half_year",
                violation_error_message="该乡镇该半年的工作报告已存在。",
            ),
            models.CheckConstraint(
                condition=models.Q(half__in=[1, 2]),
                name="township_report_half_1_or_2",
                violation_error_message="半年应为上半年或下半年。",
            ),
        ]

    def __str__(self):
        return f"{self.township}{self.period_label}工作报告"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:report_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return half_label(self.year, self.half)

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED
