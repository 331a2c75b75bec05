"""Deny by default (SECURITY.md 6): walk every route, pages, admin and API alike, and fail on any
that an anonymous visitor reaches unless it is on the explicit allowlist below."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes an anonymous visitor must reach: the ways to log in, the load balancer's health check.
ALLOWLIST = {
    "pairing:login",
    "admin:login",
    "api-token",
    "health",
}
DUMMY = {"int": "999999", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")


def _route_to_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY.get(m.group(1) or "str", "x"), route)


def _regex_to_path(regex: str) -> str:
    """A concrete path matching a (simple) URL regex: every group gets a dummy, anchors go."""
    out, i = [], 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            out.append(regex[i + 1])
            i += 2
            continue
        if char != "(":
            out.append(char)
            i += 1
            continue
        depth, j = 0, i
        while True:
            if regex[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            if depth == 0:
                break
            j += 1
        body = regex[i + 1 : j]
        named = re.match(r"\?P<(\w+)>(.*)", body, re.S)
        name, body = (named.group(1), named.group(2)) if named else ("", body)
        if name == "format":
            out.append("json")
        elif re.fullmatch(r"[\w|]+", body):
            out.append(body.split("|")[0])  # e.g. admin's app_label alternatives
        else:
            out.append("1")
        i = j + 1
    path = "".join(out)
    for token in ("^", "$", "/?", "?", "Z"):
        path = path.replace(token, "/" if token == "/?" else "")
    return path


def _pattern_to_path(pattern) -> str:
    route = getattr(pattern.pattern, "_route", None)
    if route is not None:
        return _route_to_path(route)
    return _regex_to_path(pattern.pattern.regex.pattern)


def walk(resolver=None, prefix="", namespace=""):
    """Yield (url name, concrete path) for every route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = prefix + _pattern_to_path(entry)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from walk(entry, here, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else here, "/" + here.lstrip("/")


def _reached(response) -> bool:
    if response.status_code in (301, 302, 303, 307, 308):
        return not response["Location"].startswith(LOGIN_PREFIXES)
    return response.status_code not in (401, 403, 404, 405)


@pytest.mark.django_db
def test_the_walk_finds_the_routes_that_matter():
    names = {name for name, _ in walk()}
    # If these were missing, the walk would prove nothing about them.
    assert {"pairing:home", "pairing:village_list", "pairing:audit_log", "admin:index", "api-docs"} <= names
    assert {"village-list", "village-detail", "api-me"} <= names


@pytest.mark.django_db
def test_no_route_is_reachable_anonymously_unless_allowlisted(client):
    reached = []
    for name, path in walk():
        if name in ALLOWLIST or path.startswith("/static/"):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if _reached(response):
                reached.append(f"{method.upper()} {path} ({name}) -> {response.status_code}")
    assert reached == []


@pytest.mark.django_db
def test_allowlisted_routes_are_reached_and_the_check_would_notice(client):
    # The allowlisted routes answer anonymously, and `_reached` calls that reaching them, so the
    # walk above would report any other route that answered the same way.
    assert _reached(client.get("/accounts/login/"))
    assert _reached(client.get("/health/"))
    assert not _reached(client.get("/directory/villages/"))
    assert not _reached(client.get("/api/v1/villages/"))


@pytest.mark.django_db
def test_an_anonymous_page_request_redirects_to_login(client):
    response = client.get("/directory/villages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
