"""The second factor (SECURITY.md 4): TOTP for county admins and the administrator roles, on the
login form, the admin site and the API token, with enrolment, recovery codes and lockout."""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pairing.choices import Role
from pairing.models import AuditEvent, User
from tests.factories import PASSWORD, make_user
from tests.otp import code_for, enrol, verify_session

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post_login(client, user, code=""):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, "otp": code})


def test_security_4_county_admin_logs_in_with_a_real_totp_code(cast):
    device = enrol(cast.alice)
    client = Client()
    response = post_login(client, cast.alice, code_for(device))
    assert response.status_code == 302 and response["Location"] == reverse("pairing:home")
    assert client.get(reverse("pairing:home")).wsgi_request.user.is_verified()


def test_security_4_password_alone_is_refused_once_a_device_is_enrolled(cast):
    enrol(cast.alice)
    response = post_login(Client(), cast.alice)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", username="alice").exists()


def test_security_4_a_code_is_accepted_once(cast):
    device = enrol(cast.alice)
    code = code_for(device)
    assert post_login(Client(), cast.alice, code).status_code == 302
    assert post_login(Client(), cast.alice, code).status_code == 200


def test_security_4_wrong_codes_lock_the_account_out_and_are_audited(cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = enrol(cast.alice)
    client = Client()
    for _ in range(3):
        post_login(client, cast.alice, "000000" if code_for(device) != "000000" else "111111")
    assert AuditEvent.objects.filter(action="lockout", username="alice").exists()
    assert post_login(client, cast.alice, code_for(device)).status_code == 429


def test_security_4_roles_without_the_requirement_log_in_with_a_password(cast):
    response = post_login(Client(), cast.dave)
    assert response.status_code == 302 and response["Location"] == reverse("pairing:home")


def test_security_4_enrolment_shows_a_qr_code_then_recovery_codes(cast):
    client = Client()
    response = post_login(client, cast.grace)
    assert response["Location"] == reverse("pairing:otp_enrol")
    assert client.get(reverse("pairing:audit_log")).status_code == 302  # held on the enrolment page
    page = client.get(reverse("pairing:otp_enrol")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=cast.grace, confirmed=False)
    assert re.search(r"[A-Z2-7]{32}", page)
    wrong = client.post(reverse("pairing:otp_enrol"), {"code": "12345"})
    assert "动态验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing after each miss
    device.throttle_reset()  # (instead of waiting the throttle's second out)
    done = client.post(reverse("pairing:otp_enrol"), {"code": code_for(device)})
    codes = re.findall(r"<li class=\"list-group-item\">([0-9a-f]{4}-[0-9a-f]{4})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("pairing:audit_log")).status_code == 200
    assert AuditEvent.objects.filter(action="otp_enrol", username="grace").exists()
    # A recovery code stands in for the app once.
    assert post_login(Client(), cast.grace, codes[0]).status_code == 302
    assert post_login(Client(), cast.grace, codes[0]).status_code == 200
    assert AuditEvent.objects.filter(action="otp_recovery_used", username="grace").count() == 1


def test_security_4_admin_site_requires_a_verified_device(cast):
    root = User.objects.create_superuser(
        "root", password=PASSWORD, must_change_password=False, password_changed_at=timezone.now()
    )
    make_user("sysop", Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(root)
    assert client.get("/admin/").status_code in (302, 403)
    verify_session(client, root)
    assert client.get("/admin/").status_code == 200


def test_security_4_api_token_takes_the_totp_code(cast, api):
    base = {"username": "alice", "password": PASSWORD}
    assert "绑定身份验证器" in api.post(TOKEN, base).json()["detail"]  # not enrolled: no token
    device = enrol(cast.alice)
    assert api.post(TOKEN, base).status_code == 400
    assert api.post(TOKEN, {**base, "otp": "abc"}).status_code == 400
    response = api.post(TOKEN, {**base, "otp": code_for(device)})
    assert response.status_code == 200 and response.json()["token"]


def test_security_4_demo_seed_prints_the_secret_only_in_demo_mode(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("seed_demo", "--scale", "small", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert text.count("otpauth://totp/") == 4  # county admin, auditor, sysadmin, secadmin
    assert TOTPDevice.objects.filter(user__is_demo=True, confirmed=True).count() == 4
    settings.DEMO_MODE = False
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--reset", stdout=out, stderr=StringIO())
    assert "otpauth" not in out.getvalue()
