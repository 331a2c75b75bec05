"""The directory (DOMAIN.md "The directory"): who takes part in the pairing program, and where."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pairing.core.scoping import Scope, ScopedModel, ScopedQuerySet

from ..choices import (
    Gender,
    PoliticalStatus,
    Role,
    TalentStatus,
    UnitKind,
    UnitOrgKind,
    VillageKind,
    VillageOrgKind,
)
from ..core.reveal import Revealable
from ..fields import IdNumberField, PhoneNumberField
from ..validators import (
    mask_id_number,
    mask_phone,
    validate_child_code,
    validate_county_code,
    validate_township_code,
    validate_village_code,
)

YEAR_HELP = "公历年份，如 2026"


class DetailUrlMixin:
    """get_absolute_url() by convention: the `<app>:<model>_detail` page."""

    def get_absolute_url(self) -> str:
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_detail", args=[self.pk])


class ConstraintErrorsAtFieldsMixin:
    """A unique constraint's refusal shown at the field that makes the row a duplicate (the last
    field it names: `phone` in (county, phone)) rather than above the form."""

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            at_field = {
                str(c.violation_error_message): c.fields[-1]
                for c in self._meta.constraints
                if isinstance(c, models.UniqueConstraint) and c.fields
            }
            errors = {}
            for name, messages in exc.message_dict.items():
                for message in messages:
                    errors.setdefault(at_field.get(message, name) if name == NON_FIELD_ERRORS else name, []).append(
                        message
                    )
            raise ValidationError(errors) from None


def validate_program_year(value: int) -> None:
    if not 2000 <= value <= 2100:
        raise ValidationError("年份应在 2000 至 2100 之间。", code="invalid_year")


class County(DetailUrlMixin, ScopedModel):
    """A county or district (县/区): the top of a deployment."""

    name = models.CharField("名称", max_length=50)
    code = models.CharField("行政区划代码", max_length=6, unique=True, validators=[validate_county_code])

    scope = Scope(
        county="pk",
        township="townships",
        village="townships__villages",
        unit="units",
        talent="talents",
    )
    editor_roles = frozenset()

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "县（区）"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Township(DetailUrlMixin, ScopedModel):
    """A township or sub-district (乡镇/街道) with its party committee."""

    county = models.ForeignKey(County, models.PROTECT, related_name="townships", verbose_name="所属县（区）")
    name = models.CharField("名称", max_length=50)
    code = models.CharField("行政区划代码", max_length=9, unique=True, validators=[validate_township_code])
    party_committee = models.CharField("乡镇党委", max_length=80, blank=True)

    scope = Scope(
        county="county",
        township="pk",
        village="villages",
        unit="villages__pairings__unit",
        talent="villages__assignments__talent",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN})

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "乡镇（街道）"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                name="uniq_township_name_in_county",
                violation_error_message="该县（区）已有同名乡镇。",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.county_id:
            validate_child_code(self.code, self.county.code, "code", "县（区）")


class Village(DetailUrlMixin, Revealable, ScopedModel):
    """An administrative village or community (行政村/社区) with its party organization."""

    township = models.ForeignKey(Township, models.PROTECT, related_name="villages", verbose_name="所属乡镇")
    name = models.CharField("名称", max_length=50)
    code = models.CharField("行政区划代码", max_length=12, unique=True, validators=[validate_village_code])
    kind = models.CharField("类型", max_length=16, choices=VillageKind.choices, default=VillageKind.VILLAGE)
    party_org_kind = models.CharField(
        "党组织类型", max_length=16, choices=VillageOrgKind.choices, default=VillageOrgKind.BRANCH
    )
    secretary_name = models.CharField("党组织书记", max_length=30, blank=True)
    secretary_phone = PhoneNumberField("书记电话", blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    population = models.PositiveIntegerField("人口", null=True, blank=True)

    scope = Scope(
        county="township__county",
        township="township",
        village="pk",
        unit="pairings__unit",
        talent="assignments__talent",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER})
    masked_fields = {"secretary_phone": mask_phone}

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "村（社区）"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="uniq_village_name_in_township",
                violation_error_message="该乡镇已有同名村（社区）。",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def party_org_name(self) -> str:
        return f"{self.name}{self.get_party_org_kind_display()}"

    def clean(self):
        if self.township_id:
            validate_child_code(self.code, self.township.code, "code", "乡镇")


class CountyUnit(DetailUrlMixin, ScopedModel):
    """A county-level unit (县直单位) with its party organization; it pairs with villages."""

    county = models.ForeignKey(County, models.PROTECT, related_name="units", verbose_name="所属县（区）")
    name = models.CharField("单位名称", max_length=80)
    kind = models.CharField("单位性质", max_length=16, choices=UnitKind.choices, default=UnitKind.ORGAN)
    party_org_kind = models.CharField(
        "党组织类型", max_length=16, choices=UnitOrgKind.choices, default=UnitOrgKind.BRANCH
    )
    party_org_name = models.CharField("党组织名称", max_length=100, blank=True)

    scope = Scope(
        county="county",
        township="pairings__village__township",
        village="pairings__village",
        unit="pk",
        talent="talents",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN})

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "县直单位"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "name"],
                name="uniq_unit_name_in_county",
                violation_error_message="该县（区）已有同名单位。",
            )
        ]

    def __str__(self):
        return self.name


class Specialty(models.Model):
    """A specialty (特长) a talent offers and a demand may ask for."""

    name = models.CharField("特长", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "特长"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class UrbanTalent(ConstraintErrorsAtFieldsMixin, DetailUrlMixin, Revealable, ScopedModel):
    """An urban talent (城市人才): a cadre or professional who serves a village."""

    county = models.ForeignKey(County, models.PROTECT, related_name="talents", verbose_name="所属县（区）")
    unit = models.ForeignKey(
        CountyUnit, models.PROTECT, related_name="talents", null=True, blank=True, verbose_name="所在单位"
    )
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    political_status = models.CharField(
        "政治面貌", max_length=16, choices=PoliticalStatus.choices, default=PoliticalStatus.MEMBER
    )
    phone = PhoneNumberField("手机号码")
    id_number = IdNumberField("身份证号码", blank=True, help_text="选填；仅县委组织部可查看全文")
    position = models.CharField("职务/职称", max_length=60, blank=True)
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="talents", verbose_name="特长")
    status = models.CharField("状态", max_length=16, choices=TalentStatus.choices, default=TalentStatus.ACTIVE)
    status_reason = models.CharField("状态说明", max_length=200, blank=True)

    scope = Scope(
        county="county",
        township="assignments__village__township",
        village="assignments__village",
        unit="unit",
        talent="pk",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN, Role.UNIT_LIAISON})
    masked_fields = {"phone": mask_phone, "id_number": mask_id_number}
    # Replacing or withdrawing a talent (000 §六2) and moving one between counties are the county's
    # decisions; a unit liaison edits the rest of its own talents' records (SECURITY.md 9).
    role_fields = {
        "county": frozenset({Role.COUNTY_ADMIN}),
        "status": frozenset({Role.COUNTY_ADMIN}),
        "status_reason": frozenset({Role.COUNTY_ADMIN}),
    }

    choice_label = "name"  # what str() shows: a select reads it as a column (core/filtering.py)

    class Meta:
        verbose_name = verbose_name_plural = "城市人才"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "phone"],
                name="uniq_talent_phone_in_county",
                violation_error_message="该手机号码已登记为其他城市人才。",
            ),
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="uniq_talent_id_number",
                violation_error_message="该身份证号码已登记为其他城市人才。",
            ),
        ]
        # The list's order, for a county's talents and for a city's (a sort of 50,000 rows: 18 ms).
        indexes = [
            models.Index(fields=["county", "name", "id"], name="talent_county_name_idx"),
            models.Index(fields=["name", "id"], name="talent_name_idx"),
        ]

    def __str__(self):
        return self.name

    def may_reveal(self, user, field_name: str) -> bool:
        """A talent may see their own numbers in full, besides the roles every masked field allows."""
        own = user is not None and user.is_authenticated and user.role == Role.TALENT and user.talent_id == self.pk
        return super().may_reveal(user, field_name) or (own and field_name in self.masked_fields)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self):
        # Phone and ID number are normalised and validated by their fields (pairing/fields.py).
        errors = {}
        if self.unit_id and self.county_id and self.unit.county_id != self.county_id:
            errors["unit"] = ["所在单位不属于该县（区）。"]
        if self.status != TalentStatus.ACTIVE and not self.status_reason.strip():
            errors["status_reason"] = ["更换或退出须填写原因。"]
        if errors:
            raise ValidationError(errors)


class TalentAssignment(DetailUrlMixin, ScopedModel):
    """A talent's assigned village for one year (乡镇党委合理调配人员, 000 §四(二)1)."""

    talent = models.ForeignKey(UrbanTalent, models.CASCADE, related_name="assignments", verbose_name="城市人才")
    village = models.ForeignKey(Village, models.PROTECT, related_name="assignments", verbose_name="服务村（社区）")
    year = models.PositiveSmallIntegerField("年度", validators=[validate_program_year], help_text=YEAR_HELP)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("分配时间", default=timezone.now)

    scope = Scope(
        county="talent__county",
        township="village__township",
        village="village",
        unit="talent__unit",
        talent="talent",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER})

    class Meta:
        verbose_name = verbose_name_plural = "人才分配"
        ordering = ["-year", "village__code", "talent__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "year"],
                name="uniq_assignment_talent_year",
                violation_error_message="该人才本年度已分配服务村，每人每年只能分配一个村。",
            )
        ]

    def __str__(self):
        return f"{self.year}年 {self.talent} → {self.village}"

    def clean(self):
        if self.talent_id and self.village_id and self.village.township.county_id != self.talent.county_id:
            raise ValidationError({"village": "服务村不在该人才所属县（区）。"})


def pairing_active_in(year: int, prefix: str = "") -> Q:
    """The condition "the pairing is in force during `year`", on a pairing reached through `prefix`
    (e.g. "village__pairings__") when the query starts from another model."""
    return Q(**{f"{prefix}start_year__lte": year}) & (
        Q(**{f"{prefix}end_year__isnull": True}) | Q(**{f"{prefix}end_year__gte": year})
    )


class PairingQuerySet(ScopedQuerySet):
    def active_in(self, year: int) -> "PairingQuerySet":
        """Pairings in force during `year` (started by then, not ended before)."""
        return self.filter(pairing_active_in(year))


class Pairing(DetailUrlMixin, ScopedModel):
    """A county unit paired with a village (结对关系), from a start year."""

    unit = models.ForeignKey(CountyUnit, models.PROTECT, related_name="pairings", verbose_name="县直单位")
    village = models.ForeignKey(Village, models.PROTECT, related_name="pairings", verbose_name="结对村（社区）")
    start_year = models.PositiveSmallIntegerField("起始年度", validators=[validate_program_year])
    end_year = models.PositiveSmallIntegerField(
        "终止年度", null=True, blank=True, validators=[validate_program_year], help_text="仍在结对则留空"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    scope = Scope(
        county="unit__county",
        township="village__township",
        village="village",
        unit="unit",
        talent="village__assignments__talent",
    )
    editor_roles = frozenset({Role.COUNTY_ADMIN})
    objects = models.Manager.from_queryset(PairingQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = "结对关系"
        ordering = ["village__code", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "village"],
                name="uniq_pairing_unit_village",
                violation_error_message="该单位与该村已建立结对关系。",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="pairing_end_not_before_start",
                violation_error_message="终止年度不能早于起始年度。",
            ),
        ]

    def __str__(self):
        return f"{self.unit} ↔ {self.village}"

    def is_active_in(self, year: int) -> bool:
        """The same rule as `pairing_active_in`, on a loaded row."""
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def clean(self):
        errors = {}
        if self.unit_id and self.village_id and self.unit.county_id != self.village.township.county_id:
            errors["village"] = "结对村与县直单位不在同一县（区）。"
        if self.end_year is not None and self.start_year and self.end_year < self.start_year:
            errors["end_year"] = "终止年度不能早于起始年度。"
        if errors:
            raise ValidationError(errors)


class HonoraryVillageHead(DetailUrlMixin, Revealable, ScopedModel):
    """A person of the unit named honorary village head (名誉村长) of a paired village."""

    pairing = models.ForeignKey(Pairing, models.CASCADE, related_name="honorary_heads", verbose_name="结对关系")
    name = models.CharField("姓名", max_length=30)
    position = models.CharField("单位职务", max_length=60, blank=True)
    phone = PhoneNumberField("手机号码", blank=True)
    talent = models.ForeignKey(
        UrbanTalent, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="对应人才"
    )
    start_date = models.DateField("任职日期", default=timezone.localdate)
    end_date = models.DateField("卸任日期", null=True, blank=True)

    scope = Pairing.scope.through("pairing")
    editor_roles = frozenset({Role.COUNTY_ADMIN, Role.UNIT_LIAISON})
    masked_fields = {"phone": mask_phone}

    class Meta:
        verbose_name = verbose_name_plural = "名誉村长"
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing"],
                condition=Q(end_date__isnull=True),
                name="uniq_current_head_per_pairing",
                violation_error_message="该结对关系已有在任名誉村长，请先办理卸任。",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="head_end_not_before_start",
                violation_error_message="卸任日期不能早于任职日期。",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.pairing.village}名誉村长）"

    @property
    def is_current(self) -> bool:
        return self.end_date is None
