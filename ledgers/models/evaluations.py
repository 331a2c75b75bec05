"""Quarterly evaluations (在村工作表现, 000 §四(三)5): the village rates each talent serving it; the
township passes the ratings on to the talent's unit."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import UrbanTalent, Village

from ..choices import EvaluationRating
from ..periods import quarter_label


def _unit_sees(user) -> Q:
    # The unit learns its talents' ratings only once the township has passed them on (000 §四(三)5).
    return Q(talent__unit=user.unit_id, forwarded_at__isnull=False)


class TalentEvaluation(ScopedModel):
    """A village's rating of one talent's work in the village for one quarter."""

    talent = models.ForeignKey(UrbanTalent, models.PROTECT, related_name="evaluations", verbose_name="城市人才")
    village = models.ForeignKey(Village, models.PROTECT, related_name="talent_evaluations", verbose_name="村（社区）")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    rating = models.CharField("评定等次", max_length=16, choices=EvaluationRating.choices, blank=True)
    score = models.PositiveSmallIntegerField(
        "评分（0–100）", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField("评语", max_length=1000, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="评定人"
    )
    evaluated_at = models.DateTimeField("评定时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="转送人"
    )
    forwarded_at = models.DateTimeField("转送单位时间", null=True, blank=True)
    change_reason = models.CharField("转送后修改原因", max_length=200, blank=True)

    scope = Scope(
        county="village__township__county",
        township="village__township",
        village="village",
        unit=_unit_sees,
    )
    editor_roles = frozenset({Role.VILLAGE_SECRETARY})

    class Meta:
        verbose_name = verbose_name_plural = "在村工作表现评定"
        ordering = ["-year", "-quarter", "village__code", "talent__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "village", "year", "quarter"],
                name="uniq_evaluation_talent_village_quarter",
                violation_error_message="该村本季度已评定过该人才，请修改原评定。",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="evaluation_quarter_1_to_4",
                violation_error_message="季度应为 1 至 4。",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="evaluation_score_0_to_100",
                violation_error_message="评分应在 0 至 100 之间。",
            ),
            models.CheckConstraint(
                condition=~Q(rating="") | Q(score__isnull=False),
                name="evaluation_has_rating_or_score",
                violation_error_message="请选择评定等次或填写评分。",
            ),
        ]
        indexes = [models.Index(fields=["year", "quarter", "village"], name="evaluation_period_idx")]

    def __str__(self):
        return f"{self.talent} {self.period_label}在村工作表现"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:evaluation_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def is_forwarded(self) -> bool:
        return self.forwarded_at is not None
