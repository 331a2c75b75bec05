"""Demands and tasks (需求 · 认领, DOMAIN.md "Demands and tasks"; 000 §四(三)2–3, §四(四)1–4).

A village publishes a demand; talents and the paired unit claim it online and serve offline;
the village resolves it with the confirmed ledger activity that served it, or closes it
unresolved with a reason. The services in ledgers/services/demands.py make every change.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from pairing.choices import DemandCategory, Role
from pairing.core.scoping import Scope, ScopedModel
from pairing.models import AgreementDemandItem, CountyUnit, Specialty, UrbanTalent, Village

from ..choices import ClaimStatus, DemandStatus, DemandType
from .activities import ServiceActivity

MAX_PEOPLE_WANTED = 50
OPEN_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.CLAIMED, DemandStatus.IN_PROGRESS)
CLAIMABLE_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.CLAIMED)


class Demand(ScopedModel):
    """A demand or task a village publishes for talents and its paired unit to claim."""

    village = models.ForeignKey(Village, models.PROTECT, related_name="demands", verbose_name="村（社区）")
    type = models.CharField("类型", max_length=16, choices=DemandType.choices, default=DemandType.NEED)
    category = models.CharField("类别", max_length=24, choices=DemandCategory.choices)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("具体内容", max_length=2000)
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="demands", verbose_name="所需特长")
    due_date = models.DateField("期望完成日期", null=True, blank=True)
    people_wanted = models.PositiveSmallIntegerField(
        "需要人数", default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE_WANTED)]
    )
    # Active claims. Claims increment it with a conditional UPDATE (… WHERE claimed_count <
    # people_wanted), so two people taking the last place at once cannot both succeed.
    claimed_count = models.PositiveSmallIntegerField("已认领人数", default=0, editable=False)
    agreement_item = models.ForeignKey(
        AgreementDemandItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_demands",
        verbose_name="对应协议需求清单条目",
    )
    status = models.CharField("状态", max_length=16, choices=DemandStatus.choices, default=DemandStatus.PUBLISHED)
    outcome = models.TextField("办理结果", max_length=2000, blank=True)
    # SET_NULL, not PROTECT: the village may still correct its open month by deleting the activity.
    served_by = models.ForeignKey(
        ServiceActivity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_demands",
        verbose_name="办理该需求的服务活动",
    )
    close_reason = models.CharField("未解决原因", max_length=200, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="发布人"
    )
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    started_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="办结人"
    )

    scope = Scope(
        county="village__township__county",
        township="village__township",
        village="village",
        unit="village__pairings__unit",
        # The talents serving the village and the people of the units paired with it.
        talent=("village__assignments__talent", "village__pairings__unit__talents"),
    )
    # Publishing and editing is the village's; claims and transitions are decided by the services.
    editor_roles = frozenset({Role.VILLAGE_SECRETARY})

    class Meta:
        verbose_name = verbose_name_plural = "需求任务"
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["village", "status"], name="demand_village_status_idx"),
            models.Index(fields=["published_at"], name="demand_published_idx"),
            models.Index(fields=["status", "due_date"], name="demand_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_count__lte=F("people_wanted")),
                name="demand_claims_within_wanted",
                violation_error_message="认领人数已满。",
            ),
            models.CheckConstraint(
                condition=Q(people_wanted__gte=1),
                name="demand_wants_someone",
                violation_error_message="需要人数至少为 1。",
            ),
            models.CheckConstraint(
                condition=~Q(status=DemandStatus.RESOLVED) | ~Q(outcome=""),
                name="demand_resolved_has_outcome",
                violation_error_message="标记解决时必须填写办理结果。",
            ),
            models.CheckConstraint(
                condition=~Q(status=DemandStatus.CLOSED) | ~Q(close_reason=""),
                name="demand_closed_has_reason",
                violation_error_message="关闭未解决的需求时必须填写原因。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ledgers:demand_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def places_left(self) -> int:
        return max(self.people_wanted - self.claimed_count, 0)

    @property
    def accepts_claims(self) -> bool:
        return self.status in CLAIMABLE_STATUSES and self.places_left > 0

    def is_overdue(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < day


class DemandClaim(ScopedModel):
    """A claim on a demand: one talent, or the paired unit as a whole (claimed by its liaison)."""

    demand = models.ForeignKey(Demand, models.CASCADE, related_name="claims", verbose_name="需求任务")
    talent = models.ForeignKey(
        UrbanTalent, models.PROTECT, null=True, blank=True, related_name="demand_claims", verbose_name="城市人才"
    )
    unit = models.ForeignKey(
        CountyUnit, models.PROTECT, null=True, blank=True, related_name="demand_claims", verbose_name="单位（集体认领）"
    )
    # Empty only for rows generated without an account (the demo outside DEMO_MODE, imports).
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="认领人"
    )
    status = models.CharField("状态", max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE)
    claimed_at = models.DateTimeField("认领时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    scope = Demand.scope.through("demand")

    class Meta:
        verbose_name = verbose_name_plural = "需求认领"
        ordering = ["demand", "claimed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(talent__isnull=False, unit__isnull=True) | Q(talent__isnull=True, unit__isnull=False),
                name="demand_claim_talent_xor_unit",
                violation_error_message="认领者须为一名城市人才或一个单位。",
            ),
            # A withdrawn claim is reactivated rather than duplicated, so one row per claimant.
            models.UniqueConstraint(
                fields=["demand", "talent"],
                condition=Q(talent__isnull=False),
                name="uniq_demand_claim_talent",
                violation_error_message="您已认领过该需求。",
            ),
            models.UniqueConstraint(
                fields=["demand", "unit"],
                condition=Q(unit__isnull=False),
                name="uniq_demand_claim_unit",
                violation_error_message="该单位已认领过该需求。",
            ),
        ]
        indexes = [models.Index(fields=["talent", "status"], name="demand_claim_talent_idx")]

    def __str__(self):
        who = self.talent.name if self.talent_id else f"{self.unit}（单位）"
        return f"{who} 认领 {self.demand}"

    @property
    def claimant_name(self) -> str:
        return self.talent.name if self.talent_id else f"{self.unit.name}（单位集体）"
