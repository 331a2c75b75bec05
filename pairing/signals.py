"""Audit receivers for logins, logouts, failures and lockouts (SECURITY.md 12), and the receivers
that end a user's API token on logout and on credential changes (SECURITY.md 3)."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver

from pairing.core import audit

from .choices import AuditResult


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # The superuser is the documented break-glass account: each of its logins is flagged.
    if user.is_superuser:
        audit.record(action="superuser_login", actor=user, obj=user, message="超级管理员（应急账号）登录，请核查原因。")
    else:
        audit.record(action="login", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action="logout", actor=user, obj=user)


def _account(username: str):
    """The account a failed login or lockout concerns, if the name is one (its county's auditor
    reads the record; an unknown name goes to the city-level auditor)."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    return get_user_model()._base_manager.filter(username=username).first()


def _security_event(*, action: str, username: str, result: str, message: str = ""):
    account = _account(username)
    audit.record(
        action=action,
        username=username,
        object_type="pairing.user",
        obj=account,
        county_id=account.county_id_in_scope if account is not None else None,
        result=result,
        message=message,
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django already scrubs the password from `credentials`; only the username is kept.
    _security_event(
        action="login_failed", username=str(credentials.get("username", ""))[:150], result=AuditResult.FAILURE
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    _security_event(
        action="lockout",
        username=str(username or "")[:150],
        result=AuditResult.DENIED,
        message=f"连续登录失败，账号在 {ip_address} 被锁定。",
    )


def _end_api_tokens(user) -> None:
    # Imported here: rest_framework.authtoken's models need the app registry ready.
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


@receiver(user_logged_out)
def _logged_out_ends_token(sender, request, user, **kwargs):
    """Logging out anywhere ends the API token and every other session of the user (SECURITY.md 3):
    the session generation is part of the session hash (pairing.models.User). A session that ends by
    its absolute lifetime ends only itself (pairing.middleware)."""
    if user is None or user.pk is None:
        return
    _end_api_tokens(user)
    if not getattr(request, "portal_session_expired", False):
        from django.db.models import F

        user._meta.model._base_manager.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


# Changes that end every API token of the account (SECURITY.md 3): a new password, a new role or
# scope, or deactivation. Sessions end through Django's session hash (password) and the backend's
# is_active check.
_TOKEN_ENDING_FIELDS = (
    "password",
    "is_active",
    "role",
    "county_id",
    "township_id",
    "village_id",
    "unit_id",
    "talent_id",
)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _credentials_change_ends_tokens(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    names = _TOKEN_ENDING_FIELDS
    if update_fields is not None:
        names = tuple(n for n in names if n in update_fields or n.removesuffix("_id") in update_fields)
        if not names:
            return
    stored = sender._base_manager.filter(pk=instance.pk).values(*names).first()
    if stored is None:
        return
    if any(stored[name] != getattr(instance, name) for name in names):
        _end_api_tokens(instance)
