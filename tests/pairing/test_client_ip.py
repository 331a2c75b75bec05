"""The client address behind the reverse proxy (SECURITY.md 2, 12): one trusted-proxy setting
decides the address for audit records, the lockout and the throttle; without it X-Forwarded-For
is ignored."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from pairing.api.views import ClientIpAnonThrottle
from pairing.core.client_ip import client_ip
from pairing.models import AuditEvent
from tests.factories import PASSWORD

PROXY = "10.0.0.5"


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


class TestResolution:
    def test_security_12_without_a_trusted_proxy_the_forwarded_header_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, []
        assert client_ip(request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"

    def test_security_12_with_a_proxy_count_the_address_the_proxy_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 1, []
        # The client forged the first entry; the proxy appended the address it really saw.
        assert client_ip(request(PROXY, "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
        assert client_ip(request(PROXY, "not-an-ip")) == PROXY
        assert client_ip(request(PROXY)) == PROXY

    def test_security_12_with_proxy_addresses_only_their_header_is_believed(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, ["10.0.0.0/8"]
        assert client_ip(request(PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
        assert client_ip(request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"  # not from the proxy

    def test_security_12_the_throttle_keys_on_the_same_address(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 1, []
        assert ClientIpAnonThrottle().get_ident(request(PROXY, "198.51.100.7")) == "198.51.100.7"


def fail(client, username, **headers):
    client.post(reverse("pairing:login"), {"username": username, "password": "Wrong-Passw0rd"}, **headers)


@pytest.mark.django_db
class TestAuditAndLockout:
    @pytest.fixture(autouse=True)
    def _clean(self, settings):
        cache.clear()
        settings.AXES_FAILURE_LIMIT = 2

    def login_ok(self, user, **headers):
        response = Client().post(reverse("pairing:login"), {"username": user.username, "password": PASSWORD}, **headers)
        return response.status_code == 302

    def test_security_2_behind_the_proxy_the_lockout_keys_on_the_client(self, cast, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
        for _ in range(2):
            fail(Client(), "dave", **attacker)
        event = AuditEvent.objects.filter(action="login_failed", username="dave").first()
        assert event.ip == "198.51.100.7"
        assert not self.login_ok(cast.dave, **attacker)
        # The same account from another client behind the same proxy is not locked out.
        assert self.login_ok(cast.dave, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")

    def test_security_2_without_the_setting_a_forged_header_changes_nothing(self, cast, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        for forged in ("198.51.100.1", "198.51.100.2"):
            fail(Client(), "dave", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forged)
        assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {"192.0.2.1"}
        assert not self.login_ok(cast.dave, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.3")
