"""Quarterly rollups (每季度排位): one row per county and quarter, one score per subject."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pairing.core.concurrency import VersionedModel
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import County, CountyUnit, Township, UrbanTalent, Village

from ..choices import RollupState, SubjectType


class QuarterRollup(VersionedModel, ScopedModel):
    """A county's computed scores for one quarter and where they stand: computed → confirmed → published."""

    county = models.ForeignKey(County, models.PROTECT, related_name="quarter_rollups", verbose_name="县（区）")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    state = models.CharField("状态", max_length=16, choices=RollupState.choices, default=RollupState.COMPUTED)
    stale = models.BooleanField("需重新计算", default=False)
    stale_reason = models.CharField("需重新计算的原因", max_length=200, blank=True)
    as_of = models.DateField("计算截至日期")
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="计算人"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="公示人"
    )

    # Every role of the county knows which quarters have been scored; the scores are scoped apart.
    scope = Scope(
        county="county",
        township="county__townships",
        village="county__townships__villages",
        unit="county__units",
        talent="county__talents",
    )

    class Meta:
        verbose_name = verbose_name_plural = "季度积分汇总"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "quarter"],
                name="uniq_quarter_rollup",
                violation_error_message="该县本季度已有积分汇总。",
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="rollup_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.county} {self.label}积分汇总"

    @property
    def label(self) -> str:
        from ledgers.periods import quarter_label

        return quarter_label(self.year, self.quarter)

    @property
    def status(self) -> str:  # the workflow's state (pairing.core.workflows reads `status`)
        return self.state

    def get_status_display(self) -> str:
        return self.get_state_display()

    def get_absolute_url(self) -> str:
        return reverse("assessment:rollup_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state != RollupState.COMPUTED


class Score(ScopedModel):
    """One subject's points for a quarter, with the breakdown per rule and its ranks.

    `breakdown` is a list of {rule_code, name, event, part, events, raw_points, points} (points after
    the cap); `services.explain.events_behind` lists the rows behind each line. The `in_*` fields place
    the subject for ranking and scope: a talent in their unit and assigned village's township, a
    village in its township, a unit and a township in themselves.
    """

    rollup = models.ForeignKey(QuarterRollup, models.CASCADE, related_name="scores", verbose_name="季度积分汇总")
    # The rollup's quarter, copied so that "newest quarter first" is an index scan: sorting a city's
    # 366,000 scores through the join to their rollups took 220 ms (the API's default order).
    year = models.PositiveSmallIntegerField("年度", editable=False)
    quarter = models.PositiveSmallIntegerField("季度", editable=False)
    subject_type = models.CharField("考核对象", max_length=16, choices=SubjectType.choices)
    talent = models.ForeignKey(UrbanTalent, models.CASCADE, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(CountyUnit, models.CASCADE, null=True, blank=True, related_name="+")
    village = models.ForeignKey(Village, models.CASCADE, null=True, blank=True, related_name="+")
    township = models.ForeignKey(Township, models.CASCADE, null=True, blank=True, related_name="+")
    subject_name = models.CharField("名称", max_length=100)
    in_township = models.ForeignKey(
        Township, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="所在乡镇"
    )
    in_village = models.ForeignKey(
        Village, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="服务村"
    )
    in_unit = models.ForeignKey(
        CountyUnit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="所在单位"
    )
    total = models.DecimalField("总分", max_digits=9, decimal_places=2)
    process_points = models.DecimalField("过程性考核得分", max_digits=9, decimal_places=2)
    comprehensive_points = models.DecimalField("综合性评价得分", max_digits=9, decimal_places=2)
    deductions = models.DecimalField("扣分合计", max_digits=9, decimal_places=2, default=0)
    rank_county = models.PositiveIntegerField("全县排位")
    rank_township = models.PositiveIntegerField("乡镇内排位", null=True, blank=True)
    rank_unit = models.PositiveIntegerField("单位内排位", null=True, blank=True)
    breakdown = models.JSONField("得分明细", default=list)
    # A hash of the values above: a rerun compares it instead of reading every breakdown back.
    digest = models.CharField("校验值", max_length=32, editable=False, default="")

    scope = Scope(
        county="rollup__county",
        township="in_township",
        village="in_village",
        unit="in_unit",
        talent="talent",
    )

    class Meta:
        verbose_name = verbose_name_plural = "季度积分"
        ordering = ["rollup", "subject_type", "rank_county", "subject_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_type=SubjectType.TALENT, talent__isnull=False)
                    | Q(subject_type=SubjectType.UNIT, unit__isnull=False)
                    | Q(subject_type=SubjectType.VILLAGE, village__isnull=False)
                    | Q(subject_type=SubjectType.TOWNSHIP, township__isnull=False)
                ),
                name="score_names_its_subject",
            ),
            models.UniqueConstraint(
                fields=["rollup", "talent"], condition=Q(talent__isnull=False), name="uniq_score_talent"
            ),
            models.UniqueConstraint(fields=["rollup", "unit"], condition=Q(unit__isnull=False), name="uniq_score_unit"),
            models.UniqueConstraint(
                fields=["rollup", "village"], condition=Q(village__isnull=False), name="uniq_score_village"
            ),
            models.UniqueConstraint(
                fields=["rollup", "township"], condition=Q(township__isnull=False), name="uniq_score_township"
            ),
        ]
        indexes = [
            models.Index(fields=["rollup", "subject_type", "rank_county"], name="score_rank_idx"),
            models.Index(fields=["-year", "-quarter", "subject_type", "rank_county", "id"], name="score_newest_idx"),
            # A rerun reads every stored digest of the quarter (services/rollup.stored_digests): on
            # PostgreSQL an index-only scan of this one instead of the rows with their breakdowns
            # (51,570 rows of the city's quarter, 12,500 heap pages).
            models.Index(
                fields=["rollup"],
                include=["id", "subject_type", "talent", "unit", "village", "township", "digest"],
                name="score_digest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} {self.rollup.label} {self.total}分"

    def save(self, *args, **kwargs):
        # bulk_create does not come here: the rollup's writer sets both (services/rollup._store).
        self.year, self.quarter = self.rollup.year, self.rollup.quarter
        super().save(*args, **kwargs)

    @property
    def subject_id(self) -> int:
        return getattr(self, f"{self.subject_type}_id")

    def get_absolute_url(self) -> str:
        return reverse("assessment:score_detail", args=[self.pk])
