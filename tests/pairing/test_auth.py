"""Logging in to the API and the site (SECURITY.md 1-3, 5): tokens, lockout, demo accounts, logout."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pairing.api.views import LOGIN_FAILED, locked_out_message
from pairing.choices import Role
from pairing.models import AuditEvent, User
from tests.factories import PASSWORD, make_user
from tests.otp import login_code

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The token endpoint's anonymous rate limit lives in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def get_token(api, username, password, ip="10.0.0.1"):
    """POST auth/token/, with a real TOTP code when the account needs one (tests/otp.py)."""
    user = User.objects.filter(username=username).first()
    code = login_code(user) if user is not None else ""
    payload = {"username": username, "password": password, **({"otp": code} if code else {})}
    return api.post(TOKEN_URL, payload, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestTokenLogin:
    def test_a_right_password_gets_a_working_token(self, cast, api):
        response = get_token(api, "alice", PASSWORD)
        assert response.status_code == 200
        key = response.json()["token"]
        assert Token.objects.get(user=cast.alice).key == key
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.get("/api/v1/me/").json()["username"] == "alice"

    def test_token_login_is_audited(self, cast, api):
        get_token(api, "alice", PASSWORD)
        event = AuditEvent.objects.get(action="token_login")
        assert event.user_id == cast.alice.pk
        assert event.ip == "10.0.0.1"

    def test_a_new_login_replaces_the_previous_token(self, cast, api):
        first = get_token(api, "alice", PASSWORD).json()["token"]
        second = get_token(api, "alice", PASSWORD).json()["token"]
        assert first != second
        api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
        assert api.get("/api/v1/me/").status_code == 401

    def test_wrong_password_and_unknown_user_get_the_same_answer(self, cast, api):
        wrong_password = get_token(api, "alice", "Not-the-Passw0rd")
        unknown_user = get_token(api, "nobody", "Not-the-Passw0rd")
        assert wrong_password.status_code == unknown_user.status_code == 400
        assert wrong_password.json() == unknown_user.json() == {"detail": LOGIN_FAILED}

    def test_an_inactive_account_gets_the_same_answer(self, cast, api):
        cast.bob.is_active = False
        cast.bob.save()
        response = get_token(api, "bob", PASSWORD)
        assert response.status_code == 400
        assert response.json() == {"detail": LOGIN_FAILED}

    def test_failures_are_audited_with_the_username_but_no_password(self, cast, api):
        get_token(api, "alice", "Not-the-Passw0rd")
        event = AuditEvent.objects.get(action="login_failed")
        assert event.username == "alice"
        assert event.result == "failure"
        assert "Not-the-Passw0rd" not in str(event.changes) + event.message

    def test_missing_fields_are_chinese_field_errors(self, db, api):
        response = api.post(TOKEN_URL, {"username": "alice"})
        assert response.status_code == 400
        assert response.json()["errors"]["password"] == ["此项为必填项。"]


@pytest.mark.django_db
class TestTokenLockout:
    def fail_five_times(self, api, username="alice", ip="10.0.0.1"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            get_token(api, username, "Not-the-Passw0rd", ip=ip)

    def test_five_failures_lock_the_right_password_out(self, cast, api):
        self.fail_five_times(api)
        response = get_token(api, "alice", PASSWORD)
        assert response.status_code == 403
        assert response.json() == {"detail": locked_out_message()}
        assert not Token.objects.filter(user=cast.alice).exists()

    def test_four_failures_do_not(self, cast, api):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            get_token(api, "alice", "Not-the-Passw0rd")
        assert get_token(api, "alice", PASSWORD).status_code == 200

    def test_the_lock_is_per_username_and_ip(self, cast, api):
        self.fail_five_times(api, ip="10.0.0.1")
        assert get_token(api, "alice", PASSWORD, ip="10.0.0.2").status_code == 200
        assert get_token(api, "bob", PASSWORD, ip="10.0.0.1").status_code == 200

    def test_the_lock_ends_after_the_cool_off(self, cast, api, settings):
        self.fail_five_times(api)
        from axes.models import AccessAttempt

        # Age the attempts past AXES_COOLOFF_TIME rather than waiting 30 minutes.
        AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
        assert get_token(api, "alice", PASSWORD).status_code == 200

    def test_unknown_usernames_lock_too(self, db, api):
        # Otherwise the lock itself would tell which usernames exist.
        self.fail_five_times(api, username="nobody")
        assert get_token(api, "nobody", "whatever").json() == {"detail": locked_out_message()}

    def test_the_lockout_is_audited(self, cast, api):
        self.fail_five_times(api)
        event = AuditEvent.objects.get(action="lockout")
        assert event.username == "alice"
        assert event.result == "denied"
        assert "10.0.0.1" in event.message


@pytest.mark.django_db
class TestWebLoginLockout:
    def post_login(self, client, password):
        return client.post(reverse(settings.LOGIN_URL), {"username": "alice", "password": password})

    def test_five_failures_lock_the_web_login_and_are_audited(self, cast):
        client = Client(REMOTE_ADDR="10.0.0.9")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            assert self.post_login(client, "Not-the-Passw0rd").status_code in (200, 403, 429)
        response = self.post_login(client, PASSWORD)
        assert "_auth_user_id" not in client.session
        assert response.status_code in (403, 429)
        assert AuditEvent.objects.filter(action="lockout", username="alice").exists()
        assert AuditEvent.objects.filter(action="login_failed", username="alice").count() >= 5

    def test_the_web_lock_also_locks_the_api_for_that_ip(self, cast, api):
        client = Client(REMOTE_ADDR="10.0.0.9")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.post_login(client, "Not-the-Passw0rd")
        assert get_token(api, "alice", PASSWORD, ip="10.0.0.9").status_code == 403


@pytest.mark.django_db
class TestDemoAccounts:
    def make_demo(self, cast):
        user = make_user("demo_admin", Role.COUNTY_ADMIN, county=cast.county)
        user.is_demo = True
        user.save()
        return user

    def test_demo_accounts_cannot_log_in_outside_demo_mode(self, cast, api, settings):
        settings.DEMO_MODE = False
        self.make_demo(cast)
        response = get_token(api, "demo_admin", PASSWORD)
        assert response.status_code == 400
        assert response.json() == {"detail": LOGIN_FAILED}

    def test_demo_accounts_log_in_in_demo_mode(self, cast, api, settings):
        settings.DEMO_MODE = True
        self.make_demo(cast)
        assert get_token(api, "demo_admin", PASSWORD).status_code == 200

    def test_a_demo_token_stops_working_when_demo_mode_ends(self, cast, api, settings):
        settings.DEMO_MODE = False
        token = Token.objects.create(user=self.make_demo(cast))
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["detail"] == "该账号已停用。"


@pytest.mark.django_db
class TestTokenLifetime:
    def test_an_expired_token_is_refused_and_deleted(self, cast, api, settings):
        token = Token.objects.create(user=cast.alice)
        Token.objects.filter(pk=token.pk).update(
            created=timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1)
        )
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["detail"] == "令牌已过期，请重新登录。"
        assert not Token.objects.filter(user=cast.alice).exists()

    def test_a_fresh_token_works(self, cast, api):
        token = Token.objects.create(user=cast.alice)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/me/").status_code == 200

    def test_an_unknown_token_is_refused_in_chinese(self, db, api):
        api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json()["detail"] == "登录令牌无效或已失效，请重新登录。"


@pytest.mark.django_db
class TestTokensEnd:
    def test_api_logout_deletes_the_token_and_is_audited(self, cast, api):
        key = get_token(api, "alice", PASSWORD).json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.post("/api/v1/auth/logout/").status_code == 200
        assert not Token.objects.filter(user=cast.alice).exists()
        assert api.get("/api/v1/me/").status_code == 401
        assert AuditEvent.objects.filter(action="logout", user_id=cast.alice.pk).exists()

    def test_logging_out_of_the_site_deletes_the_token(self, cast):
        Token.objects.create(user=cast.alice)
        client = Client()
        client.force_login(cast.alice)
        client.logout()  # django's logout(): sends user_logged_out like the logout page does
        assert not Token.objects.filter(user=cast.alice).exists()

    def test_a_password_change_deletes_the_token(self, cast):
        Token.objects.create(user=cast.alice)
        cast.alice.set_password("Another-Passw0rd!")
        cast.alice.save()
        assert not Token.objects.filter(user=cast.alice).exists()

    def test_deactivation_and_role_change_delete_the_token(self, cast):
        Token.objects.create(user=cast.alice)
        Token.objects.create(user=cast.bob)
        cast.alice.is_active = False
        cast.alice.save(update_fields=["is_active"])
        cast.bob.role = Role.VILLAGE_SECRETARY
        cast.bob.township = None
        cast.bob.village = cast.village_a1
        cast.bob.save()
        assert not Token.objects.filter(user__in=[cast.alice, cast.bob]).exists()

    def test_other_saves_keep_the_token(self, cast):
        Token.objects.create(user=cast.alice)
        cast.alice.full_name = "爱丽丝"
        cast.alice.save()
        cast.alice.last_login = timezone.now()
        cast.alice.save(update_fields=["last_login"])
        assert Token.objects.filter(user=cast.alice).exists()


@pytest.mark.django_db
class TestSessionAuthentication:
    def test_the_browser_session_reaches_the_api(self, cast):
        client = Client()
        client.force_login(cast.dave)
        assert client.get("/api/v1/me/").json()["username"] == "dave"

    def test_a_session_write_needs_the_csrf_token(self, cast):
        client = Client(enforce_csrf_checks=True)
        client.force_login(cast.alice)
        response = client.patch(
            f"/api/v1/villages/{cast.village_a2.pk}/", {"name": "改名"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert "刷新页面" in response.json()["detail"]
        cast.village_a2.refresh_from_db()
        assert cast.village_a2.name == "甲二村"


@pytest.mark.django_db
class TestForcedPasswordChange:
    NEW = "Fresh-Passw0rd-2026"

    @pytest.fixture
    def token(self, cast, api):
        cast.alice.must_change_password = True
        cast.alice.save()
        key = get_token(api, "alice", PASSWORD).json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return key

    def test_until_the_password_changes_only_me_answers(self, cast, api, token):
        assert api.get("/api/v1/me/").json()["must_change_password"] is True
        for url in ("/api/v1/villages/", "/api/v1/specialties/"):
            response = api.get(url)
            assert response.status_code == 403
            assert response.json()["detail"] == "密码为初始密码或已过期，请先修改密码。"

    def test_an_old_password_counts_as_due(self, cast, api, settings):
        cast.alice.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
        cast.alice.save()
        api.force_authenticate(cast.alice)
        assert api.get("/api/v1/villages/").status_code == 403

    def test_changing_it_ends_the_old_token_and_gives_a_new_one(self, cast, api, token):
        response = api.post("/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": self.NEW})
        assert response.status_code == 200, response.content
        new_key = response.json()["token"]
        assert new_key != token
        assert api.get("/api/v1/villages/").status_code == 401  # the old token is gone
        api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
        assert api.get("/api/v1/villages/").status_code == 200
        cast.alice.refresh_from_db()
        assert cast.alice.check_password(self.NEW)
        assert cast.alice.must_change_password is False
        assert AuditEvent.objects.filter(action="password_change", user_id=cast.alice.pk).exists()

    def test_a_wrong_current_password_is_refused(self, cast, api, token):
        response = api.post("/api/v1/auth/password/", {"old_password": "Wrong-Passw0rd", "new_password": self.NEW})
        assert response.status_code == 400
        assert response.json()["errors"]["old_password"] == ["当前密码不正确。"]
        cast.alice.refresh_from_db()
        assert cast.alice.check_password(PASSWORD)

    def test_a_weak_new_password_is_refused_in_chinese(self, cast, api, token):
        response = api.post("/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "alllowercase"})
        assert response.status_code == 400
        assert "至少三类" in " ".join(response.json()["errors"]["new_password"])
        assert Token.objects.filter(key=token).exists()
