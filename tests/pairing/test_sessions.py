"""Session lifetime (SECURITY.md 3): an idle cap from Django, an absolute cap from our middleware."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pairing.middleware import SESSION_STARTED_KEY
from pairing.models import AuditEvent


@pytest.mark.django_db
class TestAbsoluteLifetime:
    def _age_session(self, client, hours):
        session = client.session
        session[SESSION_STARTED_KEY] = timezone.now().timestamp() - hours * 3600
        session.save()

    def test_a_fresh_session_is_kept(self, client, cast):
        client.force_login(cast.alice)
        assert client.get(reverse("pairing:home")).status_code == 200
        self._age_session(client, settings.SESSION_ABSOLUTE_HOURS - 1)
        assert client.get(reverse("pairing:home")).status_code == 200

    def test_a_session_older_than_the_cap_is_ended_and_the_logout_audited(self, client, cast):
        client.force_login(cast.alice)
        client.get(reverse("pairing:home"))
        self._age_session(client, settings.SESSION_ABSOLUTE_HOURS + 1)
        response = client.get(reverse("pairing:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pairing:login"))
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="logout", user_id=cast.alice.pk).exists()

    def test_the_api_answers_401_in_json_after_the_cap(self, client, cast):
        client.force_login(cast.alice)
        client.get(reverse("api-me"))
        self._age_session(client, settings.SESSION_ABSOLUTE_HOURS + 1)
        response = client.get(reverse("api-me"))
        assert response.status_code == 401
        assert "重新登录" in response.json()["detail"]


def test_idle_timeout_is_thirty_minutes_renewed_on_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
