"""The client's address behind the documented reverse proxy (docs/security.md "Reverse proxy").

One answer for the audit trail, the lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and the API
throttles. Without a trusted proxy configured it is REMOTE_ADDR, and X-Forwarded-For is ignored: a
client could write anything there. With TRUSTED_PROXY_COUNT=N, the N-th address from the right of
X-Forwarded-For (each proxy appends the address it received from). With TRUSTED_PROXIES (addresses
or networks), only a request arriving from one of them is believed, and the client is the rightmost
address in X-Forwarded-For that is not itself a trusted proxy.
"""

import ipaddress

from django.conf import settings


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def trusted_networks():
    return [ipaddress.ip_network(text, strict=False) for text in settings.TRUSTED_PROXIES]


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    networks = trusted_networks()
    if networks:
        if remote is None or not _trusted(remote, networks):
            return remote
        for address in reversed(forwarded):
            if not _trusted(address, networks):
                return _valid(address) or remote
        return remote
    count = settings.TRUSTED_PROXY_COUNT
    if count and forwarded:
        return _valid(forwarded[-count] if len(forwarded) >= count else forwarded[0]) or remote
    return remote
