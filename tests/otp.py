"""Second-factor helpers for tests: enrol a TOTP device and compute a real code from its key, the
way an authenticator app does (RFC 6238), never reusing a time step django-otp has seen."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pairing.services.otp import DEVICE_NAME, requires_otp

# Several logins of one account within 30 s (a journey opening two browsers) each need a fresh step.
TEST_TOLERANCE = 10


def enrol(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, tolerance=TEST_TOLERANCE)
    return device


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


def login_code(user) -> str:
    """A valid code for `user` if the account needs one (enrolling a device first), else ""."""
    return code_for(enrol(user)) if requires_otp(user) else ""


def verify_session(client, user) -> None:
    """force_login plus a verified device, as after a login with a code (the admin site needs it)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = enrol(user).persistent_id
    session.save()
