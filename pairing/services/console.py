"""The administrators' work (三员分立, SECURITY.md 10): the system administrator manages accounts
(create, deactivate, reset a password, assign a scope); the security administrator manages roles and
scopes and unlocks accounts. Each function checks its actor's role and writes an audit record with
the account's before/after (no password in it)."""

import secrets
import string

from axes.models import AccessAttempt
from axes.utils import reset as reset_attempts
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pairing.core import audit
from pairing.core.services import service

from ..choices import Role
from ..models import User
from ..models.users import ANCHORS

ADMIN_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)


def _require(actor, role: str) -> None:
    if not (actor.is_authenticated and actor.is_active and (actor.role == role or actor.is_superuser)):
        raise PermissionDenied("您没有执行此操作的权限。")


def temporary_password() -> str:
    """16 random characters from all four classes; the account must change it at the next login."""
    alphabet = string.ascii_letters + string.digits + "!@#%^&*-_=+"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(16))
        classes = [
            any(c in group for c in password)
            for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#%^&*-_=+")
        ]
        if all(classes):
            return password


def _set_scope(user: User, role: str, anchors: dict) -> None:
    user.role = role
    for name in ANCHORS:
        setattr(user, name, anchors.get(name))
    user.full_clean(exclude=["password"])


@service
def create_account(*, actor, username: str, full_name: str, role: str, anchors: dict) -> tuple[User, str]:
    _require(actor, Role.SYSTEM_ADMIN)
    if role in ADMIN_ROLES:
        raise ValidationError({"role": "管理员账号由安全管理员分配角色，这里只能新建业务账号。"})
    user = User(username=username, full_name=full_name, must_change_password=True)
    _set_scope(user, role, anchors)
    password = temporary_password()
    user.set_password(password)
    user.save()
    audit.record(
        action="create", actor=actor, obj=user, changes=audit.diff(None, audit.snapshot(user)), message="新建账号"
    )
    return user, password


@service
def deactivate_account(*, actor, user: User) -> None:
    _require(actor, Role.SYSTEM_ADMIN)
    if user.pk == actor.pk or user.is_superuser:
        raise ValidationError("不能停用自己或超级管理员账号。")
    before = audit.snapshot(user)
    user.is_active = False
    user.save()  # the session hash and the token receiver end every session and token
    audit.record(
        action="update", actor=actor, obj=user, changes=audit.diff(before, audit.snapshot(user)), message="停用账号"
    )


@service
def reset_password(*, actor, user: User) -> str:
    _require(actor, Role.SYSTEM_ADMIN)
    if user.is_superuser:
        raise ValidationError("超级管理员的密码不能在这里重置。")
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save()
    audit.record(action="password_reset", actor=actor, obj=user, message="重置密码，下次登录须修改")
    return password


@service
def assign_role(*, actor, user: User, role: str, anchors: dict) -> None:
    """The security administrator's change of an account's role and scope; sessions and tokens end."""
    _require(actor, Role.SECURITY_ADMIN)
    if user.pk == actor.pk or user.is_superuser:
        raise ValidationError("不能修改自己或超级管理员的角色。")
    before = audit.snapshot(user)
    _set_scope(user, role, anchors)
    user.save()
    audit.record(
        action="update",
        actor=actor,
        obj=user,
        changes=audit.diff(before, audit.snapshot(user)),
        message="分配角色与范围",
    )


def lockouts():
    return AccessAttempt.objects.filter(failures_since_start__gt=0).order_by("-attempt_time")


@service
def unlock(*, actor, username: str) -> int:
    _require(actor, Role.SECURITY_ADMIN)
    count = reset_attempts(username=username)
    account = User._base_manager.filter(username=username).first()
    audit.record(
        action="unlock",
        actor=actor,
        obj=account,
        username=username,
        object_type="pairing.user",
        message=f"解除账号 {username} 的登录锁定",
    )
    return count
