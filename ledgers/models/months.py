"""Month close (DOMAIN.md "Month close"): a village's ledger for one calendar month."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from pairing.core.concurrency import VersionedModel
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import Village

from ..choices import MonthStatus
from ..periods import format_month, month_label


class LedgerMonth(VersionedModel, ScopedModel):
    """One village's monthly ledger and where it stands in the month close.

    Only an *open* month accepts new, changed or deleted activities. A submitted month is frozen
    too: the township reviews exactly what the village sent, and a correction goes through a
    reopen with a reason (audited), after which the village resubmits. Confirmed and locked
    months differ only in who may reopen them: the township reopens a confirmed month, and only
    the county reopens a locked (archived) one. A month without a row is open.
    """

    village = models.ForeignKey(Village, models.PROTECT, related_name="ledger_months", verbose_name="村（社区）")
    month = models.DateField("月份", help_text="该月第一天")
    status = models.CharField("状态", max_length=16, choices=MonthStatus.choices, default=MonthStatus.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="退回人"
    )
    reopened_at = models.DateTimeField("退回时间", null=True, blank=True)
    reopen_reason = models.CharField("退回原因", max_length=200, blank=True)
    # Kept with the month rows of ledgers.services.service_months: a city's activity trend counts
    # 36,000 village-months instead of 450,000 activities.
    confirmed_activities = models.PositiveIntegerField("经确认的服务活动（次）", default=0, editable=False)

    scope = Scope(
        county="village__township__county",
        township="village__township",
        village="village",
        unit="village__pairings__unit",
        talent="village__assignments__talent",
    )

    class Meta:
        verbose_name = verbose_name_plural = "月度台账"
        ordering = ["-month", "village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month"],
                name="uniq_ledger_month_village_month",
                violation_error_message="该村该月的台账已存在。",
            )
        ]
        indexes = [
            models.Index(fields=["status", "month"], name="ledger_month_status_idx"),
            # The lists' order: newest month first is an index scan, and only that month's villages
            # are sorted by code (the city's 108,000 months were sorted whole: 72 ms → 8 ms).
            models.Index(fields=["-month"], name="ledger_month_newest_idx"),
        ]

    def __str__(self):
        return f"{self.village} {month_label(self.month)}台账"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:month_ledger", args=[self.village_id, format_month(self.month)])

    @property
    def accepts_changes(self) -> bool:
        return self.status == MonthStatus.OPEN

    @property
    def reopener(self) -> str:
        """Who may send this month back to the village: its township, or only the county once locked
        (ledgers/services/months.py `reopen_month` enforces the same)."""
        return "县委组织部" if self.status == MonthStatus.LOCKED else "所属乡镇党委"

    @property
    def label(self) -> str:
        return month_label(self.month)
