"""The rule table (考核明细表): per county, year and subject type, data that county admins edit."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pairing.choices import Role
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import County
from pairing.models.directory import validate_program_year

from ..choices import EVENTS_BY_SUBJECT, Event, Part, SubjectType

# Everyone of the county may read its rule table: every point must be explainable to the scored.
COUNTY_WIDE = Scope(
    county="county",
    township="county__townships",
    village="county__townships__villages",
    unit="county__units",
    talent="county__talents",
)


class ScoringRule(ScopedModel):
    """One line of a county's rule table for a year and subject type: what it counts and for how much."""

    county = models.ForeignKey(County, models.PROTECT, related_name="scoring_rules", verbose_name="县（区）")
    year = models.PositiveSmallIntegerField("年度", validators=[validate_program_year])
    subject_type = models.CharField("考核对象", max_length=16, choices=SubjectType.choices)
    code = models.CharField("编号", max_length=16)
    name = models.CharField("考核内容", max_length=60)
    event = models.CharField("计分事项", max_length=32, choices=Event.choices)
    points = models.DecimalField(
        "每次分值",
        max_digits=6,
        decimal_places=2,
        help_text="扣分项填负数",
        validators=[MinValueValidator(Decimal("-1000")), MaxValueValidator(Decimal("1000"))],
    )
    cap = models.DecimalField(
        "每季度上限",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="本项每季度得分（或扣分）的绝对值上限，不限则留空",
        validators=[MinValueValidator(Decimal("0"))],
    )
    part = models.CharField("类别", max_length=16, choices=Part.choices, default=Part.PROCESS)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    scope = COUNTY_WIDE
    editor_roles = frozenset({Role.COUNTY_ADMIN})

    class Meta:
        verbose_name = verbose_name_plural = "考核细则"
        ordering = ["year", "subject_type", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "subject_type", "code"],
                name="uniq_scoring_rule_code",
                violation_error_message="本年度该考核对象已有相同编号的细则。",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=0),
                name="scoring_rule_cap_not_negative",
                violation_error_message="上限不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.get_subject_type_display()} {self.code} {self.name}"

    @property
    def is_deduction(self) -> bool:
        return self.points < 0

    def clean(self):
        if self.subject_type and self.event and self.event not in EVENTS_BY_SUBJECT[self.subject_type]:
            raise ValidationError({"event": "该计分事项不适用于所选考核对象。"})


class ScoringWeights(ScopedModel):
    """The weights of the two parts for a year and subject type: total = wp × process + wc × comprehensive."""

    county = models.ForeignKey(County, models.PROTECT, related_name="scoring_weights", verbose_name="县（区）")
    year = models.PositiveSmallIntegerField("年度", validators=[validate_program_year])
    subject_type = models.CharField("考核对象", max_length=16, choices=SubjectType.choices)
    process_weight = models.DecimalField(
        "过程性考核权重",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    comprehensive_weight = models.DecimalField(
        "综合性评价权重",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    scope = COUNTY_WIDE
    editor_roles = frozenset({Role.COUNTY_ADMIN})

    class Meta:
        verbose_name = verbose_name_plural = "考核权重"
        ordering = ["year", "subject_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "subject_type"],
                name="uniq_scoring_weights",
                violation_error_message="本年度该考核对象的权重已设置。",
            )
        ]

    def __str__(self):
        return f"{self.year}年 {self.get_subject_type_display()} 权重"

    def clean(self):
        if (
            self.process_weight is not None
            and self.comprehensive_weight is not None
            and self.process_weight + self.comprehensive_weight != Decimal("1")
        ):
            raise ValidationError({"comprehensive_weight": "两部分权重之和应为 1。"})
