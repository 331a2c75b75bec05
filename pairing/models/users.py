"""Accounts. Each account holds exactly one role, bound to one anchor (DOMAIN.md "Who uses it")."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from ..choices import Role
from ..fields import PhoneNumberField
from .directory import County, CountyUnit, Township, UrbanTalent, Village

# Which anchor field each role must have set; every other anchor stays empty.
ROLE_ANCHOR = {
    Role.COUNTY_ADMIN: "county",
    Role.TOWNSHIP_OFFICER: "township",
    Role.VILLAGE_SECRETARY: "village",
    Role.UNIT_LIAISON: "unit",
    Role.TALENT: "talent",
    Role.AUDITOR: "county",
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
}
ANCHORS = ("county", "township", "village", "unit", "talent")
STAFF_ROLES = ("", Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
# A role that may also stand without an anchor: the city-level auditor reads every county's records
# and those that belong to no county (administrators' actions, failed logins of unknown names).
OPTIONAL_ANCHOR = {Role.AUDITOR}


def _role_anchor_condition() -> Q:
    condition = Q(role="")  # superusers created from the command line carry no role
    for role, anchor in ROLE_ANCHOR.items():
        part = Q(role=role)
        for name in ANCHORS:
            part &= Q(**{f"{name}__isnull": name != anchor})
        condition |= part
        if role in OPTIONAL_ANCHOR:
            condition |= Q(role=role, **{f"{name}__isnull": True for name in ANCHORS})
    return condition


class User(AbstractUser):
    """A portal account: one person, one role, one scope."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=24, choices=Role.choices, blank=True)
    county = models.ForeignKey(County, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="县（区）")
    township = models.ForeignKey(Township, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="乡镇")
    village = models.ForeignKey(
        Village, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="村（社区）"
    )
    unit = models.ForeignKey(
        CountyUnit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="县直单位"
    )
    talent = models.OneToOneField(
        UrbanTalent, models.PROTECT, null=True, blank=True, related_name="account", verbose_name="城市人才"
    )
    phone = PhoneNumberField("手机号码", blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    is_demo = models.BooleanField("演示账号", default=False, help_text="仅在演示模式下可以登录")
    # Raised by logout: part of the session hash, so every session of the account ends (SECURITY.md 3).
    session_generation = models.PositiveIntegerField("会话代数", default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(condition=_role_anchor_condition(), name="user_anchor_matches_role"),
            # 三员分立 (SECURITY.md 10): superuser is the role-less break-glass account; the Django
            # admin (staff) is for the system and security administrators only, never a business role.
            models.CheckConstraint(condition=Q(is_superuser=False) | Q(role=""), name="user_superuser_has_no_role"),
            models.CheckConstraint(
                condition=Q(is_staff=False) | Q(role__in=STAFF_ROLES), name="user_staff_only_for_administrators"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def anchor(self):
        """The county, township, village, unit or talent this account is bound to."""
        name = ROLE_ANCHOR.get(self.role)
        return getattr(self, name) if name else None

    @property
    def county_id_in_scope(self) -> int | None:
        """The county the account works in, whatever its role (for audit and defaults)."""
        if self.county_id:
            return self.county_id
        if self.township_id:
            return self.township.county_id
        if self.village_id:
            return self.village.township.county_id
        if self.unit_id:
            return self.unit.county_id
        if self.talent_id:
            return self.talent.county_id
        return None

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password, extended with the role, scope, status and the session
        generation: a role or scope change, deactivation or logout ends every session (SECURITY.md 3)."""
        parts = [self.password, self.role, self.is_active, self.is_superuser, self.is_staff, self.session_generation]
        parts += [getattr(self, f"{name}_id") for name in ANCHORS]
        return salted_hmac(
            "pairing.User.get_session_auth_hash", "|".join(map(str, parts)), secret=secret, algorithm="sha256"
        ).hexdigest()

    def clean(self):
        super().clean()
        if self.is_superuser and self.role:
            raise ValidationError({"is_superuser": "超级管理员是不带角色的应急账号，不能同时担任其他角色。"})
        if self.is_staff and self.role not in STAFF_ROLES:
            raise ValidationError({"is_staff": "只有系统管理员和安全管理员可以进入后台管理。"})
        if not self.role:
            if not self.is_superuser:
                raise ValidationError({"role": "请选择角色。"})
            return
        anchor = ROLE_ANCHOR[self.role]
        errors = {}
        for name in ANCHORS:
            has_value = getattr(self, f"{name}_id") is not None
            if name == anchor and not has_value and self.role not in OPTIONAL_ANCHOR:
                errors[name] = f"角色“{self.get_role_display()}”必须指定{self._meta.get_field(name).verbose_name}。"
            elif name != anchor and has_value:
                errors[name] = f"角色“{self.get_role_display()}”不应指定{self._meta.get_field(name).verbose_name}。"
        if errors:
            raise ValidationError(errors)
