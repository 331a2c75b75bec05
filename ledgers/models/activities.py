"""Service activities: what talents and paired units did in a village (《"双结对双帮扶"工作台账》)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import AgreementProjectItem, CountyUnit, TalentAssignment, UrbanTalent, Village

from ..choices import ActivityKind, ActivityStatus
from ..periods import month_start


def _talent_sees(user) -> Q:
    # A talent sees every activity they took part in (whatever its status, so they can follow
    # their own pending and rejected records) and the confirmed activities of villages they serve.
    # Two id subqueries rather than an OR across two to-many joins, which multiplies rows.
    return Q(pk__in=ActivityParticipant.objects.filter(talent_id=user.talent_id).values("activity_id")) | Q(
        status=ActivityStatus.CONFIRMED,
        village_id__in=TalentAssignment.objects.filter(talent_id=user.talent_id).values("village_id"),
    )


class ServiceActivity(ScopedModel):
    """A service activity in a village on one day, with its participants and evidence photos."""

    village = models.ForeignKey(Village, models.PROTECT, related_name="activities", verbose_name="村（社区）")
    date = models.DateField("活动日期")
    kind = models.CharField("活动类型", max_length=20, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=100)
    content = models.TextField("活动内容", max_length=2000)
    location = models.CharField("活动地点", max_length=100, blank=True)
    beneficiaries = models.PositiveIntegerField("受益群众（人次）", default=0, validators=[MaxValueValidator(100_000)])
    project_item = models.ForeignKey(
        AgreementProjectItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="对应共建项目",
    )
    # Demands and claims (a later issue) get a nullable `demand` FK here in their own migration.
    # Empty only for rows generated without an account (the demo outside DEMO_MODE, imports).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)
    status = models.CharField("确认状态", max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reject_reason = models.CharField("退回原因", max_length=200, blank=True)

    scope = Scope(
        county="village__township__county",
        township="village__township",
        village="village",
        unit="village__pairings__unit",
        talent=_talent_sees,
    )
    # Who may record: the village itself (confirmed on save) and, on its behalf, the talents
    # serving it and the paired unit's liaison (pending until the village confirms).
    editor_roles = frozenset({Role.VILLAGE_SECRETARY, Role.TALENT, Role.UNIT_LIAISON})

    class Meta:
        verbose_name = verbose_name_plural = "服务活动"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["village", "date"], name="activity_village_date_idx"),
            models.Index(fields=["status", "date"], name="activity_status_date_idx"),
            # Every activity list is ordered newest first: without this index PostgreSQL sorted a
            # county's 140,000 rows to show 20 of them.
            models.Index(fields=["-date", "-id"], name="activity_date_id_desc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActivityStatus.REJECTED) | ~Q(reject_reason=""),
                name="activity_rejection_has_reason",
                violation_error_message="退回时必须填写原因。",
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:serviceactivity_detail", args=[self.pk])

    @property
    def month(self):
        return month_start(self.date)


class ActivityParticipant(ScopedModel):
    """One participant of an activity with their hours: a talent, or the paired unit as a whole."""

    activity = models.ForeignKey(ServiceActivity, models.CASCADE, related_name="participants", verbose_name="服务活动")
    talent = models.ForeignKey(
        UrbanTalent, models.PROTECT, null=True, blank=True, related_name="participations", verbose_name="城市人才"
    )
    unit = models.ForeignKey(
        CountyUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name="单位（集体参与）",
    )
    hours = models.DecimalField(
        "服务时长（小时）",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )

    scope = ServiceActivity.scope.through("activity")

    class Meta:
        verbose_name = verbose_name_plural = "活动参与人"
        ordering = ["activity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(talent__isnull=False, unit__isnull=True) | Q(talent__isnull=True, unit__isnull=False),
                name="participant_is_talent_xor_unit",
                violation_error_message="参与者须为一名城市人才或一个单位。",
            ),
            models.UniqueConstraint(
                fields=["activity", "talent"],
                condition=Q(talent__isnull=False),
                name="uniq_participant_talent",
                violation_error_message="同一人才在一次活动中只能登记一次。",
            ),
            models.UniqueConstraint(
                fields=["activity", "unit"],
                condition=Q(unit__isnull=False),
                name="uniq_participant_unit",
                violation_error_message="同一单位在一次活动中只能登记一次。",
            ),
        ]

    def __str__(self):
        who = self.talent if self.talent_id else f"{self.unit}（单位）"
        return f"{who} {self.hours}小时"


class ActivityPhoto(ScopedModel):
    """An evidence photo of an activity, stored under a random name, with a list-page thumbnail."""

    activity = models.ForeignKey(ServiceActivity, models.CASCADE, related_name="photos", verbose_name="服务活动")
    image = models.FileField("照片", max_length=200)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    scope = ServiceActivity.scope.through("activity")

    class Meta:
        verbose_name = verbose_name_plural = "活动照片"
        ordering = ["activity", "pk"]

    def __str__(self):
        return f"{self.activity} 照片{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:photo", args=[self.pk, "full"])

    @property
    def thumbnail_url(self) -> str:
        return reverse("ledgers:photo", args=[self.pk, "thumb"])
