"""Every API route and action, walked from the URL resolver (so a new endpoint is covered at once):

- a user who must change their password gets 403 everywhere but me/, the password change, logout
  (and the token login itself);
- for each account of the small demo, a row of the route's model outside the account's scope is 404
  to every detail route and action (403 only where a directory write is refused for the role before
  any row is looked up).
"""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from pairing.choices import Role
from pairing.core.api.base import ScopedModelViewSet
from pairing.core.scoping import can_edit
from pairing.models import User
from tests.factories import make_user
from tests.routes import api_routes

pytestmark = pytest.mark.django_db

# Reachable while a password change is due: log in, see oneself, change the password, log out.
PASSWORD_DUE_ALLOWED = {"api-token", "api-me", "api-password", "api-logout"}


def _methods(route):
    allowed = set(getattr(route.view, "http_method_names", ()))
    return [m for m in route.methods if m in allowed and m != "head"]


def test_a_user_who_must_change_their_password_gets_403_everywhere_else(cast):
    user = make_user("newcomer", Role.COUNTY_ADMIN, county=cast.county)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    api = APIClient()
    api.force_authenticate(User.objects.get(pk=user.pk))
    walked, wrong = 0, []
    for route in api_routes():
        if route.name in PASSWORD_DUE_ALLOWED:
            continue
        for method in _methods(route):
            walked += 1
            response = getattr(api, method)(route.path(pk=cast.village_a1.pk, code="talents"), {}, format="json")
            if response.status_code != 403:
                wrong.append(f"{route.label(method)} -> {response.status_code}")
    assert walked > 80
    assert wrong == []


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--scale", "small", "--seed", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {user.role: user for user in User.objects.filter(is_demo=True)}


def _model(route):
    """The route's scoped model (the shared vocabulary of specialties is readable by everyone)."""
    queryset = getattr(route.view, "queryset", None)
    if queryset is None or not hasattr(queryset.model.objects, "visible_to"):
        return None
    return queryset.model


def test_out_of_scope_rows_are_404_on_every_detail_route_for_every_demo_account(demo):
    api = APIClient()
    checked = {route.name: 0 for route in api_routes() if route.is_detail and _model(route) is not None}
    wrong = []
    for role, user in sorted(demo.items()):
        api.force_authenticate(user)
        for route in api_routes():
            model = _model(route)
            if not route.is_detail or model is None:
                continue
            hidden = model._base_manager.exclude(pk__in=model.objects.visible_to(user).values("pk")).first()
            if hidden is None:
                continue
            for method in _methods(route):
                expected = {404}
                refused_up_front = issubclass(route.view, ScopedModelViewSet) and not can_edit(user, model)
                read_only = route.methods[method] in getattr(route.view, "read_actions", ())
                if method != "get" and not read_only and refused_up_front:
                    expected = {403}
                response = getattr(api, method)(route.path(pk=hidden.pk), {}, format="json")
                checked[route.name] += 1
                if response.status_code not in expected:
                    wrong.append(f"{role}: {route.label(method)} on #{hidden.pk} -> {response.status_code}")
    assert "\n".join(wrong) == ""
    unchecked = sorted(name for name, count in checked.items() if count == 0)
    assert unchecked == [], "the small demo has no out-of-scope row for these routes: extend it"


def test_every_list_route_holds_exactly_the_rows_in_scope_for_every_demo_account(demo):
    api = APIClient()
    lists = [r for r in api_routes() if r.methods.get("get") == "list" and _model(r) is not None]
    assert len(lists) >= 19
    wrong = []
    for role, user in sorted(demo.items()):
        api.force_authenticate(user)
        for route in lists:
            response = api.get(route.path(), {"page_size": 200})
            in_scope = _model(route).objects.visible_to(user)
            expected = in_scope.count()
            if getattr(route.view, "lists_own_rows", False) and response.status_code == 200:
                # The user's own rows: a subset of those in scope, never one outside it.
                ids = {row["id"] for row in response.json()["results"]}
                assert ids <= set(in_scope.values_list("pk", flat=True)), route.path()
                continue
            if response.status_code != 200 or response.json()["count"] != expected:
                got = response.json().get("count") if response.status_code == 200 else response.status_code
                wrong.append(f"{role}: {route.path()} -> {got}, in scope {expected}")
    assert "\n".join(wrong) == ""
