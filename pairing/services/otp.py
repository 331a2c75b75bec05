"""The second factor (SECURITY.md 4): TOTP devices from django-otp, with one-time recovery codes.

County admins, the three administrator roles and superusers need one. Enrolment: the account signs
in with its password once, is held on the enrolment page (pairing.middleware) until it confirms a
code from its authenticator app, and receives ten recovery codes, shown once. From then on the login
form, the admin site and `POST auth/token/` take the current code (or one recovery code).
"""

import secrets

import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pairing.core import audit
from pairing.core.services import service

from ..choices import Role

OTP_ROLES = frozenset({Role.COUNTY_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
DEVICE_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"
RECOVERY_CODES = 10


def requires_otp(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or user.role in OTP_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify(user, token: str):
    """The device that accepts `token` (the current TOTP code, or an unused recovery code, which is
    consumed), or None. A code is accepted once: django-otp remembers the last time step used."""
    token = "".join((token or "").split())
    if not token:
        return None
    device = confirmed_device(user)
    if device is not None and token.isdigit() and device.verify_token(token):
        return device
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_NAME, confirmed=True).first()
    if recovery is not None and recovery.verify_token(token.lower()):
        audit.record(action="otp_recovery_used", actor=user, obj=user, message="使用了一个恢复码登录。")
        return recovery
    return None


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per account; its key stays until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image request, nothing leaves the page)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def base32_key(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


@service
def confirm_enrolment(*, actor, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm `device` with a current code: the account's other TOTP devices go, ten new recovery
    codes are issued (returned, shown once). None when the code is wrong (nothing changes)."""
    if device.user_id != actor.pk or not device.verify_token("".join((token or "").split())):
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = issue_recovery_codes(actor)
    audit.record(action="otp_enrol", actor=actor, obj=actor, message="绑定了身份验证器并生成恢复码。")
    return codes


def issue_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def enrol_demo_device(user) -> TOTPDevice:
    """A confirmed device for a demo account (seed_demo, demo mode only), replacing any other."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
