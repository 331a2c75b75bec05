"""The scope matrix for demands and notifications: lists equal visible_to, others are 404,
out-of-scope creates are refused with nothing written."""

import pytest
from django.urls import reverse

from ledgers.choices import NotificationKind
from ledgers.models import Demand, Notification
from ledgers.services.demands import claim_demand
from ledgers.services.notifications import notify
from pairing.choices import Role
from tests.factories import make_user

from .test_demands_support import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def demands(cast):
    bella = make_user("bella", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    amy = make_user("amy", Role.VILLAGE_SECRETARY, village=cast.village_a2)
    olga = make_user("olga", Role.VILLAGE_SECRETARY, village=cast.other_village)
    a1_open = publish(cast, title="甲一村待认领")
    a1_claimed = publish(cast, title="甲一村已认领")
    claim_demand(actor=cast.frank, demand=a1_claimed)
    return {
        "a1_open": a1_open,
        "a1_claimed": a1_claimed,
        "a2": publish(cast, village=cast.village_a2, actor=amy, title="甲二村"),
        "b1": publish(cast, village=cast.village_b1, actor=bella, title="乙一村"),
        "other": publish(cast, village=cast.other_village, actor=olga, title="邻县"),
    }


EXPECTED = {
    "alice": {"a1_open", "a1_claimed", "a2", "b1"},
    "bob": {"a1_open", "a1_claimed", "a2"},
    "carol": {"b1"},
    "dave": {"a1_open", "a1_claimed"},
    "erin": {"a1_open", "a1_claimed"},
    "frank": {"a1_open", "a1_claimed"},
    "grace": set(),
    "zoe": {"other"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_demand_api_scope_matrix(cast, demands, api, username):
    user = cast.users[username]
    expected = {demands[name].pk for name in EXPECTED[username]}
    assert set(Demand.objects.visible_to(user).values_list("pk", flat=True)) == expected
    api.force_authenticate(user)
    body = api.get("/api/v1/demands/").json()
    assert body["count"] == len(expected) == Demand.objects.visible_to(user).count()
    assert {row["id"] for row in body["results"]} == expected
    for demand in Demand.objects.exclude(pk__in=expected):
        assert api.get(f"/api/v1/demands/{demand.pk}/").status_code == 404
        assert api.post(f"/api/v1/demands/{demand.pk}/claim/").status_code == 404
        assert api.get(f"/api/v1/demands/{demand.pk}/suggestions/").status_code == 404


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_demand_pages_follow_the_same_scope(cast, demands, client, username):
    user = cast.users[username]
    client.force_login(user)
    expected = {demands[name].pk for name in EXPECTED[username]}
    response = client.get(reverse("ledgers:demand_list"))
    assert response.status_code == 200
    assert {d.pk for d in response.context["page_obj"]} == expected
    assert client.get(reverse("ledgers:demand_rates")).context["headline"].collected == len(expected)
    for demand in Demand.objects.all():
        status = client.get(reverse("ledgers:demand_detail", args=[demand.pk])).status_code
        assert status == (200 if demand.pk in expected else 404)
        action = client.post(reverse("ledgers:demand_action", args=[demand.pk, "close"]), {"reason": "x"})
        if demand.pk not in expected:
            assert action.status_code == 404


def test_filters_narrow_within_the_scope(cast, demands, api):
    api.force_authenticate(cast.alice)
    by_township = api.get(f"/api/v1/demands/?township={cast.township_a.pk}").json()
    assert by_township["count"] == 3
    assert api.get("/api/v1/demands/?status=claimed").json()["count"] == 1
    assert api.get("/api/v1/demands/?q=乙一").json()["count"] == 1
    # A village outside the scope is not a filter choice: refused, not an empty answer that confirms it.
    assert api.get(f"/api/v1/demands/?village={cast.other_village.pk}").status_code == 400


def test_an_out_of_scope_create_is_refused_and_writes_nothing(cast, demands, api):
    before = Demand.objects.count()
    payload = {"type": "need", "category": "other", "title": "越权", "description": "越权发布"}
    api.force_authenticate(cast.dave)
    refused = api.post("/api/v1/demands/", {**payload, "village": cast.village_b1.pk})
    assert refused.status_code == 400 and "village" in refused.json()["errors"]
    api.force_authenticate(cast.zoe)
    assert api.post("/api/v1/demands/", {**payload, "village": cast.village_a1.pk}).status_code == 403
    api.force_authenticate(cast.frank)
    assert api.post("/api/v1/demands/", {**payload, "village": cast.village_a1.pk}).status_code == 403
    assert Demand.objects.count() == before


def test_pages_refuse_publishing_to_other_roles(cast, client):
    for user in (cast.bob, cast.frank, cast.erin):
        client.force_login(user)
        assert client.get(reverse("ledgers:demand_create")).status_code == 403
        assert client.post(reverse("ledgers:demand_create"), {"title": "x"}).status_code == 403
    assert not Demand.objects.exists()


def test_a_field_only_the_actions_change_cannot_be_written(cast, demands, api):
    api.force_authenticate(cast.dave)
    demand = demands["a1_open"]
    api.patch(f"/api/v1/demands/{demand.pk}/", {"status": "resolved", "claimed_count": 9, "title": "新标题"})
    demand.refresh_from_db()
    assert (demand.status, demand.claimed_count, demand.title) == ("published", 0, "新标题")


@pytest.fixture
def inbox(cast):
    rows = {}
    for username in ("alice", "frank", "dave"):
        for i in range(2):
            rows[f"{username}{i}"] = notify(
                recipient=cast.users[username], kind=NotificationKind.NOTICE, title=f"给{username}的通知{i}", link="/"
            )
    return rows


@pytest.mark.parametrize("username", ["alice", "bob", "frank", "dave", "grace", "zoe"])
def test_notifications_are_own_only(cast, inbox, api, client, username):
    user = cast.users[username]
    own = {row.pk for row in inbox.values() if row.recipient_id == user.pk}
    assert set(Notification.objects.visible_to(user).values_list("pk", flat=True)) == own
    api.force_authenticate(user)
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == len(own) and {row["id"] for row in body["results"]} == own
    client.force_login(user)
    assert {n.pk for n in client.get(reverse("ledgers:notifications")).context["page_obj"]} == own
    for row in Notification.objects.exclude(pk__in=own):
        assert api.get(f"/api/v1/notifications/{row.pk}/").status_code == 404
        assert api.post(f"/api/v1/notifications/{row.pk}/read/").status_code == 404
        assert client.post(reverse("ledgers:notification_read", args=[row.pk])).status_code == 404
    assert not Notification.objects.exclude(pk__in=own).filter(read_at__isnull=False).exists()


def test_reading_a_notification_marks_it_once_and_follows_its_link(cast, inbox, api, client):
    api.force_authenticate(cast.frank)
    row = inbox["frank0"]
    first = api.post(f"/api/v1/notifications/{row.pk}/read/").json()
    assert first["is_read"] is True
    again = api.post(f"/api/v1/notifications/{row.pk}/read/").json()
    assert again["read_at"] == first["read_at"]
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    client.force_login(cast.frank)
    response = client.post(reverse("ledgers:notification_read", args=[inbox["frank1"].pk]))
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_superuser_inbox_is_still_personal(cast, inbox):
    root = make_user("root", "", is_superuser=True)
    assert not Notification.objects.visible_to(root).exists()
