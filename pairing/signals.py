"""Audit receivers for logins, logouts, failures and lockouts (SECURITY.md 12)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit
from .choices import AuditResult


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(action="login", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action="logout", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django already scrubs the password from `credentials`; only the username is kept.
    audit.record(
        action="login_failed",
        username=str(credentials.get("username", ""))[:150],
        object_type="pairing.user",
        result=AuditResult.FAILURE,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(
        action="lockout",
        username=str(username or "")[:150],
        object_type="pairing.user",
        result=AuditResult.DENIED,
        message=f"连续登录失败，账号在 {ip_address} 被锁定。",
    )
