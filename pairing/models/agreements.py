"""Three lists and one agreement (三清单一协议, 000 §四(一)2): each pairing's yearly contract.

An Agreement holds the resource list (what the unit offers), the demand list (what the village
needs) and the project list (what they build together). Its workflow lives in
pairing/services/agreements.py; every step is logged in AgreementTransition.

Earlier versions stay readable as AgreementRevision rows: an immutable JSON document of the
agreement and its three lists, written when a version is signed. One document per signed version
(rather than django-simple-history on four tables plus two many-to-many links) is what people
ask for ("show me what we signed in March"), it prints with the same template as the live
agreement, and it cannot drift when items are later edited or deleted.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pairing.core.concurrency import VersionedModel
from pairing.core.scoping import ScopedModel

from ..choices import (
    AgreementAction,
    AgreementStatus,
    DemandCategory,
    DemandItemStatus,
    DemandPriority,
    ProjectStatus,
    ResourceKind,
    Role,
)
from .directory import DetailUrlMixin, Pairing, validate_program_year

AGREEMENT_EDITOR_ROLES = frozenset({Role.VILLAGE_SECRETARY, Role.UNIT_LIAISON})
MONEY = {"max_digits": 12, "decimal_places": 2}


class ImmutableRowError(RuntimeError):
    pass


class Agreement(DetailUrlMixin, VersionedModel, ScopedModel):
    """A pairing's agreement for one year (结对共建协议), with its three lists."""

    pairing = models.ForeignKey(Pairing, models.PROTECT, related_name="agreements", verbose_name="结对关系")
    year = models.PositiveSmallIntegerField("年度", validators=[validate_program_year])
    status = models.CharField(
        "状态", max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    terms = models.TextField("协议条款", blank=True)
    unit_signatory = models.CharField("单位签署人（名誉村长）", max_length=30, blank=True)
    village_signatory = models.CharField("村签署人（村党组织书记）", max_length=30, blank=True)
    signed_on = models.DateField("签署日期", null=True, blank=True)
    # Stored under a random name chosen by the service (pairing/core/uploads.py), never the sent name.
    scan = models.FileField("签署扫描件", max_length=200, blank=True)
    amendment_no = models.PositiveSmallIntegerField("变更次数", default=0)
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="结转自"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    scope = Pairing.scope.through("pairing")
    editor_roles = AGREEMENT_EDITOR_ROLES

    class Meta:
        verbose_name = verbose_name_plural = "结对共建协议"
        ordering = ["-year", "pairing__village__code", "pairing__unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "year"],
                name="uniq_agreement_pairing_year",
                violation_error_message="该结对关系本年度已有协议，每个结对关系每年只能签订一份协议。",
            )
        ]

    def __str__(self):
        return f"{self.year}年 {self.pairing.unit.name}—{self.pairing.village.name} 结对共建协议"

    @property
    def title(self) -> str:
        return f"{self.pairing.unit.name}与{self.pairing.village.name}{self.year}年度结对共建协议"

    def year_bounds(self) -> tuple[datetime.date, datetime.date]:
        return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)

    def as_document(self) -> dict:
        """The agreement and its three lists as plain data: printed now, or frozen in a revision."""
        pairing = self.pairing
        resources = list(self.resources.all())
        demands = list(self.demands.all())
        resource_no = {item.pk: i for i, item in enumerate(resources, 1)}
        demand_no = {item.pk: i for i, item in enumerate(demands, 1)}
        return {
            "title": self.title,
            "year": self.year,
            "amendment_no": self.amendment_no,
            "status": self.status,
            "unit": pairing.unit.name,
            "unit_party_org": pairing.unit.party_org_name or f"{pairing.unit.name}党组织",
            "village": pairing.village.name,
            "village_party_org": pairing.village.party_org_name,
            "township": pairing.village.township.name,
            "terms": self.terms,
            "unit_signatory": self.unit_signatory,
            "village_signatory": self.village_signatory,
            "signed_on": self.signed_on.isoformat() if self.signed_on else "",
            "scan": self.scan.name or "",
            "resources": [
                {
                    "no": resource_no[r.pk],
                    "kind": r.get_kind_display(),
                    "description": r.description,
                    "amount": "" if r.amount is None else str(r.amount),
                    "unit_of_measure": r.unit_of_measure,
                }
                for r in resources
            ],
            "demands": [
                {
                    "no": demand_no[d.pk],
                    "category": d.get_category_display(),
                    "description": d.description,
                    "priority": d.get_priority_display(),
                    "expected_by": d.expected_by.isoformat() if d.expected_by else "",
                    "status": d.get_status_display(),
                }
                for d in demands
            ],
            "projects": [
                {
                    "no": i,
                    "name": p.name,
                    "content": p.content,
                    "demands": sorted(demand_no[d.pk] for d in p.demands.all() if d.pk in demand_no),
                    "resources": sorted(resource_no[r.pk] for r in p.resources.all() if r.pk in resource_no),
                    "planned_investment": str(p.planned_investment),
                    "unit_owner": p.unit_owner,
                    "village_owner": p.village_owner,
                    "start_date": p.start_date.isoformat(),
                    "end_date": p.end_date.isoformat(),
                    "progress": p.progress,
                    "status": p.get_status_display(),
                    "outcome": p.outcome,
                }
                for i, p in enumerate(self.projects.all(), 1)
            ],
        }


class AgreementItem(ScopedModel):
    """Fields every list item shares: it belongs to one agreement and is scoped through it."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="+", verbose_name="协议")

    scope = Pairing.scope.through("agreement__pairing")
    editor_roles = AGREEMENT_EDITOR_ROLES

    class Meta:
        abstract = True
        ordering = ["pk"]


class AgreementResourceItem(AgreementItem):
    """One line of the unit's resource list (县直单位资源清单)."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="resources", verbose_name="协议")
    kind = models.CharField("资源类别", max_length=16, choices=ResourceKind.choices)
    description = models.TextField("资源内容")
    amount = models.DecimalField(
        "数量/金额", **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    unit_of_measure = models.CharField("计量单位", max_length=10, blank=True, help_text="如 万元、台、人次")

    class Meta(AgreementItem.Meta):
        verbose_name = verbose_name_plural = "资源清单条目"

    def __str__(self):
        return f"{self.get_kind_display()}：{self.description[:30]}"


class AgreementDemandItem(AgreementItem):
    """One line of the village's demand list (村党组织需求清单)."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="demands", verbose_name="协议")
    category = models.CharField("需求类别", max_length=24, choices=DemandCategory.choices)
    description = models.TextField("需求内容")
    priority = models.CharField("优先级", max_length=8, choices=DemandPriority.choices, default=DemandPriority.MEDIUM)
    expected_by = models.DateField("期望完成日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=DemandItemStatus.choices, default=DemandItemStatus.OPEN)

    class Meta(AgreementItem.Meta):
        verbose_name = verbose_name_plural = "需求清单条目"

    def __str__(self):
        return f"{self.get_category_display()}：{self.description[:30]}"


class AgreementProjectItem(AgreementItem):
    """One line of the co-construction project list (结对共建项目清单)."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="projects", verbose_name="协议")
    name = models.CharField("项目名称", max_length=100)
    content = models.TextField("项目内容", blank=True)
    demands = models.ManyToManyField(AgreementDemandItem, blank=True, related_name="projects", verbose_name="对应需求")
    resources = models.ManyToManyField(
        AgreementResourceItem, blank=True, related_name="projects", verbose_name="投入资源"
    )
    planned_investment = models.DecimalField(
        "计划投入（万元）", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    unit_owner = models.CharField("单位责任人", max_length=30)
    village_owner = models.CharField("村责任人", max_length=30)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("完成日期")
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField("状态", max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    outcome = models.TextField("成效", blank=True)

    class Meta(AgreementItem.Meta):
        verbose_name = verbose_name_plural = "共建项目清单条目"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="agreement_project_end_not_before_start",
                violation_error_message="完成日期不能早于开始日期。",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="agreement_project_progress_max_100",
                violation_error_message="进度应在 0 至 100 之间。",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "完成日期不能早于开始日期。"
        if self.agreement_id and self.start_date and self.end_date:
            year = self.agreement.year
            if self.start_date.year != year or self.end_date.year != year:
                errors.setdefault("end_date", f"项目起止日期须在协议年度（{year}年1月1日至12月31日）之内。")
        if self.status == ProjectStatus.COMPLETED and self.progress != 100:
            errors["progress"] = "已完成的项目进度应为 100%。"
        if errors:
            raise ValidationError(errors)


class AgreementTransition(ScopedModel):
    """One step of an agreement's workflow: who moved it, when, from which status to which, why."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="transitions", verbose_name="协议")
    action = models.CharField("操作", max_length=16, choices=AgreementAction.choices)
    from_status = models.CharField("原状态", max_length=16, choices=AgreementStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=AgreementStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    # The name as it was: the log reads the same after the account is renamed or removed.
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    amendment_no = models.PositiveSmallIntegerField("变更次数", default=0)
    reason = models.TextField("原因/说明", blank=True)

    scope = Pairing.scope.through("agreement__pairing")

    class Meta:
        verbose_name = verbose_name_plural = "协议流转记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.agreement_id} {self.get_action_display()} {self.from_status}→{self.to_status}"


class AgreementRevision(ScopedModel):
    """A signed version of an agreement, frozen as a document; never changed after it is written."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="revisions", verbose_name="协议")
    amendment_no = models.PositiveSmallIntegerField("变更次数")
    document = models.JSONField("协议内容")
    created_at = models.DateTimeField("时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="记录人"
    )

    scope = Pairing.scope.through("agreement__pairing")

    class Meta:
        verbose_name = verbose_name_plural = "协议历史版本"
        ordering = ["amendment_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "amendment_no"],
                name="uniq_agreement_revision_no",
                violation_error_message="该版本已存档。",
            )
        ]

    def __str__(self):
        return f"{self.document.get('title', '')}（第{self.amendment_no}版）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRowError("协议历史版本不能修改。")
        super().save(*args, **kwargs)

    @property
    def version_label(self) -> str:
        return "原始签署版" if self.amendment_no == 0 else f"第{self.amendment_no}次变更版"
