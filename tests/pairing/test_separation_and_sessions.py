"""Sessions that end (SECURITY.md 3) and separation of duties (SECURITY.md 10): logout, a role or
scope change and deactivation end every session and token; the superuser is role-less and flagged;
no account mixes a business role with superuser or staff; admin changes and resets are audited."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pairing.choices import Role
from pairing.models import AuditEvent, User
from tests.factories import PASSWORD, make_user
from tests.otp import verify_session

pytestmark = pytest.mark.django_db
HOME = "/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def browser(user):
    client = Client()
    response = client.post(reverse("pairing:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get(reverse("pairing:home")).status_code == 200


def test_security_3_logout_ends_every_session_and_token_of_the_user(cast, api):
    first, second = browser(cast.dave), browser(cast.dave)
    token = Token.objects.create(user=cast.dave)
    other = browser(cast.bob)
    first.post(reverse("pairing:logout"))
    assert not signed_in(first)
    assert not signed_in(second)
    assert not Token.objects.filter(pk=token.pk).exists()
    assert signed_in(other)  # another account's session is untouched
    assert signed_in(browser(cast.dave))  # and dave can sign in again


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda cast, u: setattr(u, "township", cast.township_b), id="scope"),
        pytest.param(
            lambda cast, u: (
                setattr(u, "role", Role.AUDITOR),
                setattr(u, "township", None),
                setattr(u, "county", cast.county),
            ),
            id="role",
        ),
        pytest.param(lambda cast, u: setattr(u, "is_active", False), id="deactivation"),
    ],
)
def test_security_3_a_role_or_scope_change_ends_the_open_sessions(cast, change):
    client = browser(cast.bob)
    token = Token.objects.create(user=cast.bob)
    bob = User.objects.get(pk=cast.bob.pk)
    change(cast, bob)
    bob.save()
    assert not signed_in(client)
    assert not Token.objects.filter(pk=token.pk).exists()


def test_security_3_a_successful_api_login_resets_the_failure_count(cast, api, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = "/api/v1/auth/token/"
    for _ in range(2):
        api.post(url, {"username": "dave", "password": "Wrong-Passw0rd"})
    assert api.post(url, {"username": "dave", "password": PASSWORD}).status_code == 200
    for _ in range(2):
        api.post(url, {"username": "dave", "password": "Wrong-Passw0rd"})
    # Without the reset, this would be the third failure in a row and lock dave out.
    assert api.post(url, {"username": "dave", "password": PASSWORD}).status_code == 200


def test_security_10_a_superuser_holds_no_role_and_a_business_role_is_never_staff(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.grace.pk).update(is_superuser=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.alice.pk).update(is_staff=True)
    grace = User.objects.get(pk=cast.grace.pk)
    grace.is_superuser = True
    with pytest.raises(ValidationError, match="应急账号"):
        grace.full_clean()
    alice = User.objects.get(pk=cast.alice.pk)
    alice.is_staff = True
    with pytest.raises(ValidationError, match="后台管理"):
        alice.full_clean()
    sysadmin = make_user("sysop", Role.SYSTEM_ADMIN)
    sysadmin.is_staff = True
    sysadmin.full_clean()  # the system administrator may use the Django admin


def root_user():
    return User.objects.create_superuser(
        "root", password=PASSWORD, must_change_password=False, password_changed_at=timezone.now()
    )


def test_security_10_every_superuser_login_is_audited_and_flagged(cast):
    root = root_user()
    Client().post(reverse("pairing:login"), {"username": "root", "password": PASSWORD, "otp": ""})
    assert AuditEvent.objects.filter(action="superuser_login", user_id=root.pk).exists()
    assert not AuditEvent.objects.filter(action="login", user_id=root.pk).exists()


def test_security_10_a_role_change_in_the_django_admin_is_audited(cast):
    root = root_user()
    client = Client()
    verify_session(client, root)
    url = reverse("admin:pairing_user_change", args=[cast.bob.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"township": cast.township_b.pk, "last_login_0": "", "last_login_1": ""})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for key in ("date_joined", "last_login", "password_changed_at"):
        data.pop(key, None)
    joined = timezone.localtime(cast.bob.date_joined)
    data.update({"date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(action="update", object_type="pairing.user", object_id=str(cast.bob.pk))
    assert event.changes["township_id"] == [cast.township_a.pk, cast.township_b.pk]
    assert event.user_id == root.pk


def test_security_1_an_admin_password_reset_forces_a_change_at_next_login(cast):
    root = root_user()
    client = Client()
    verify_session(client, root)
    url = reverse("admin:auth_user_password_change", args=[cast.dave.pk])
    new = "Reset-Passw0rd-2026!"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    dave = User.objects.get(pk=cast.dave.pk)
    assert dave.must_change_password
    assert AuditEvent.objects.filter(action="password_reset", object_id=str(dave.pk), user_id=root.pk).exists()
    dave_browser = Client()
    dave_browser.post(reverse("pairing:login"), {"username": "dave", "password": new})
    assert dave_browser.get(reverse("pairing:home"))["Location"] == reverse("pairing:password_change")
