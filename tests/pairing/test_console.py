"""The administrators do their jobs in the portal and nothing else (SECURITY.md 10): the system
administrator creates, deactivates and resets accounts; the security administrator assigns roles
and scopes and unlocks lockouts; each action is audited; the other roles get 404."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pairing.choices import Role
from pairing.models import AuditEvent, User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(cast):
    return make_user("sysop", Role.SYSTEM_ADMIN), make_user("secop", Role.SECURITY_ADMIN)


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_security_10_the_system_administrator_creates_resets_and_deactivates_accounts(cast, admins):
    sysop, _ = admins
    client = as_user(sysop)
    page = client.post(
        reverse("pairing:console_account_new"),
        {"username": "newsec", "full_name": "新书记", "role": Role.VILLAGE_SECRETARY, "village": cast.village_a1.pk},
    )
    assert page.status_code == 200 and "临时密码" in page.content.decode()
    account = User.objects.get(username="newsec")
    assert account.must_change_password and account.village_id == cast.village_a1.pk
    assert AuditEvent.objects.filter(action="create", object_id=str(account.pk), user_id=sysop.pk).exists()
    # A scope that does not fit the role is refused at the field, nothing written.
    bad = client.post(
        reverse("pairing:console_account_new"), {"username": "x2", "full_name": "x", "role": Role.VILLAGE_SECRETARY}
    )
    assert "必须指定" in bad.content.decode() and not User.objects.filter(username="x2").exists()

    dave = as_user(cast.dave)
    client.post(reverse("pairing:console_account_action", args=[cast.dave.pk, "reset"]))
    assert User.objects.get(pk=cast.dave.pk).must_change_password
    assert dave.get(reverse("pairing:home")).status_code == 302  # the reset ended dave's session
    client.post(reverse("pairing:console_account_action", args=[cast.bob.pk, "deactivate"]))
    assert not User.objects.get(pk=cast.bob.pk).is_active
    assert AuditEvent.objects.filter(action="password_reset", object_id=str(cast.dave.pk)).exists()


def test_security_10_the_security_administrator_assigns_roles_and_unlocks(cast, admins, settings):
    _, secop = admins
    client = as_user(secop)
    response = client.post(
        reverse("pairing:console_account_role", args=[cast.bob.pk]),
        {"role": Role.TOWNSHIP_OFFICER, "township": cast.township_b.pk},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.bob.pk).township_id == cast.township_b.pk
    event = AuditEvent.objects.get(action="update", object_id=str(cast.bob.pk), user_id=secop.pk)
    assert event.changes["township_id"] == [cast.township_a.pk, cast.township_b.pk]

    cache.clear()
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        Client().post(reverse("pairing:login"), {"username": "dave", "password": "Wrong-Passw0rd"})
    assert "dave" in client.get(reverse("pairing:console_lockouts")).content.decode()
    client.post(reverse("pairing:console_lockouts"), {"username": "dave"})
    assert not AccessAttempt.objects.filter(username="dave").exists()
    assert Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(action="unlock", user_id=secop.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("pairing:console_accounts", {"sysop", "secop"}),
        ("pairing:console_account_new", {"sysop"}),
        ("pairing:console_lockouts", {"secop"}),
    ],
)
def test_security_10_each_console_page_answers_only_its_roles(cast, admins, url_name, allowed):
    for user in (
        [*admins, *cast.users.values()] if hasattr(cast, "users") else [*admins, cast.alice, cast.grace, cast.dave]
    ):
        status = as_user(user).get(reverse(url_name)).status_code
        assert status == (200 if user.username in allowed else 404), (user.username, status)


def test_security_10_the_administrators_see_no_business_pages(cast, admins):
    for user in admins:
        client = as_user(user)
        assert client.get(reverse("pairing:village_list")).status_code == 404
        assert client.get(reverse("pairing:audit_log")).status_code == 404


def test_the_account_form_searches_a_large_directory_instead_of_listing_it(cast, admins, monkeypatch):
    """A city has 50,000 talents: the anchor select lists no options beyond its limit and searches
    the console's choices endpoint, which answers the two account administrators only."""
    from pairing.core.filtering import ScopedChoiceWidget
    from pairing.models import UrbanTalent

    sysop, _ = admins
    monkeypatch.setattr(ScopedChoiceWidget, "limit", 1)
    talent = UrbanTalent.objects.order_by("pk").first()
    page = as_user(sysop).get(reverse("pairing:console_account_new")).content.decode()
    url = reverse("pairing:console_choices", args=["urbantalent"])
    assert f'data-choices-url="{url}"' in page
    assert f'value="{talent.pk}"' not in page  # not listed: searched
    for admin in admins:
        found = as_user(admin).get(url, {"q": talent.name}).json()["results"]
        label = f"{talent.name}（{talent.county.name}{'·' + talent.unit.name if talent.unit else ''}）"
        assert {"value": talent.pk, "text": label} in found
    for user in [cast.alice, cast.grace, cast.dave]:
        assert as_user(user).get(url, {"q": talent.name}).status_code == 404
    assert as_user(sysop).get(reverse("pairing:console_choices", args=["agreement"])).status_code == 404
    # The chosen row is still accepted (and rendered back) after a refusal.
    page = as_user(sysop).post(
        reverse("pairing:console_account_new"),
        {"username": "", "full_name": "x", "role": Role.TALENT, "talent": talent.pk},
    )
    assert f'value="{talent.pk}" selected' in page.content.decode()
