"""Annual grades (优秀 / 良好 / 差) per grading group and year, under quotas, confirmed and filed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from pairing.choices import UnitKind
from pairing.core.concurrency import VersionedModel
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import County, Township, UrbanTalent, Village

from ..choices import GradeLevel, GradingState

PERCENT = [MaxValueValidator(100)]


class GradingGroup(ScopedModel):
    """Who is graded together and under which quotas: all talents of the county, or those of one unit kind."""

    county = models.ForeignKey(County, models.PROTECT, related_name="grading_groups", verbose_name="县（区）")
    name = models.CharField("分组名称", max_length=60)
    unit_kind = models.CharField(
        "单位性质", max_length=16, choices=UnitKind.choices, blank=True, help_text="留空则为全县全部城市人才"
    )
    poor_min_percent = models.PositiveSmallIntegerField(
        "差等次不低于（%）", default=10, validators=PERCENT, help_text="按参评人数向上取整"
    )
    excellent_max_percent = models.PositiveSmallIntegerField(
        "优秀等次不高于（%）", null=True, blank=True, default=20, validators=PERCENT
    )
    excellent_min_percent = models.PositiveSmallIntegerField(
        "优秀等次不低于（%）", null=True, blank=True, validators=PERCENT, help_text="如“优秀不低于30%”的项目"
    )

    scope = Scope(county="county")

    class Meta:
        verbose_name = verbose_name_plural = "评定分组"
        ordering = ["county", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"], name="uniq_grading_group_name", violation_error_message="已有同名分组。"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (
            self.excellent_max_percent is not None
            and self.excellent_min_percent is not None
            and self.excellent_min_percent > self.excellent_max_percent
        ):
            raise ValidationError({"excellent_min_percent": "优秀等次下限不能高于上限。"})


class GradingRound(VersionedModel, ScopedModel):
    """One year's grading of one group: proposed, then confirmed (locked) and filed, or reopened."""

    group = models.ForeignKey(GradingGroup, models.PROTECT, related_name="rounds", verbose_name="评定分组")
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField("状态", max_length=16, choices=GradingState.choices, default=GradingState.PROPOSED)
    quarters = models.CharField("计入季度", max_length=20, blank=True, help_text="如 1,2,3,4")
    proposed_at = models.DateTimeField("拟定时间")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="拟定人"
    )

    scope = Scope(county="group__county")

    class Meta:
        verbose_name = verbose_name_plural = "年度等次评定"
        ordering = ["-year", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year"], name="uniq_grading_round", violation_error_message="该分组本年度已有评定。"
            )
        ]

    def __str__(self):
        return f"{self.year}年度 {self.group} 等次评定"

    @property
    def status(self) -> str:
        return self.state

    def get_status_display(self) -> str:
        return self.get_state_display()

    def get_absolute_url(self) -> str:
        return reverse("assessment:grading_detail", args=[self.pk])


class Grade(ScopedModel):
    """One talent's annual score, tie-breakers, proposed grade and the grade the county settles."""

    round = models.ForeignKey(GradingRound, models.CASCADE, related_name="grades", verbose_name="年度等次评定")
    talent = models.ForeignKey(UrbanTalent, models.PROTECT, related_name="grades", verbose_name="城市人才")
    subject_name = models.CharField("姓名", max_length=60)
    township = models.ForeignKey(Township, models.PROTECT, null=True, blank=True, related_name="+")
    village = models.ForeignKey(Village, models.PROTECT, null=True, blank=True, related_name="+")
    annual_score = models.DecimalField("年度总分", max_digits=10, decimal_places=2)
    active_months = models.PositiveSmallIntegerField("有活动月份")
    hours = models.DecimalField("服务时长", max_digits=8, decimal_places=1)
    deductions = models.DecimalField("扣分", max_digits=9, decimal_places=2)
    position = models.PositiveIntegerField("名次")
    proposed_grade = models.CharField("拟定等次", max_length=16, choices=GradeLevel.choices)
    grade = models.CharField("等次", max_length=16, choices=GradeLevel.choices)
    reason = models.CharField("调整理由", max_length=200, blank=True)
    flagged = models.BooleanField("并列待定", default=False)

    scope = Scope(
        county="round__group__county", township="township", village="village", unit="talent__unit", talent="talent"
    )

    class Meta:
        verbose_name = verbose_name_plural = "年度等次"
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "talent"], name="uniq_grade_talent", violation_error_message="该人才已在本次评定中。"
            )
        ]

    def __str__(self):
        return f"{self.subject_name} {self.get_grade_display()}"

    @property
    def year(self) -> int:
        return self.round.year


class GradeFiling(ScopedModel):
    """A confirmed list as filed with the county organization department (报送县委组织部备案)."""

    round = models.ForeignKey(GradingRound, models.CASCADE, related_name="filings", verbose_name="年度等次评定")
    filed_at = models.DateTimeField("备案时间")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    rows = models.JSONField("备案名单", default=list)
    reopened_at = models.DateTimeField("撤回时间", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="撤回人"
    )
    reopen_reason = models.CharField("撤回原因", max_length=200, blank=True)

    scope = Scope(county="round__group__county")

    class Meta:
        verbose_name = verbose_name_plural = "等次备案"
        ordering = ["-filed_at", "-pk"]

    def __str__(self):
        return f"{self.round} 备案"
