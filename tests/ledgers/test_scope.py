"""The scope matrix: every role sees, through the API and the pages, exactly visible_to(user)."""

import pytest
from django.urls import reverse

from ledgers.models import LedgerMonth, ServiceActivity
from ledgers.periods import current_month, format_month
from ledgers.services import confirm_activity
from pairing.choices import Role
from tests.factories import make_user

from .helpers import api_payload, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(cast):
    """A1: one confirmed (dave), one confirmed self-record and one pending (frank), one by the unit.
    B1: one confirmed. Other county: nothing anybody here may see."""
    confirmed_a1 = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    own = record(cast.frank, cast.village_a1, talents=[cast.talent_t], title="本人服务")
    confirm_activity(actor=cast.dave, activity=own)
    pending_a1 = record(cast.frank, cast.village_a1, talents=[cast.talent_t], title="待确认")
    by_unit = record(cast.erin, cast.village_a1, units=[cast.unit_u], title="单位联系")
    b1_secretary = make_user("bella", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    confirmed_b1 = record(b1_secretary, cast.village_b1, talents=[cast.talent_t2])
    return {
        "confirmed_a1": confirmed_a1,
        "own": own,
        "pending_a1": pending_a1,
        "by_unit": by_unit,
        "confirmed_b1": confirmed_b1,
        "b1_secretary": b1_secretary,
    }


EXPECTED_ACTIVITIES = {
    "alice": {"confirmed_a1", "own", "pending_a1", "by_unit", "confirmed_b1"},
    "bob": {"confirmed_a1", "own", "pending_a1", "by_unit"},
    "carol": {"confirmed_b1"},
    "dave": {"confirmed_a1", "own", "pending_a1", "by_unit"},
    "erin": {"confirmed_a1", "own", "pending_a1", "by_unit"},
    # frank: own participations (any status) and A1's confirmed activities; not the unit's pending one.
    "frank": {"confirmed_a1", "own", "pending_a1"},
    "grace": set(),
    "zoe": set(),
}


@pytest.mark.parametrize("username", sorted(EXPECTED_ACTIVITIES))
def test_activities_scope_matrix(cast, ledger, api, username):
    user = cast.users[username]
    expected = {ledger[name].pk for name in EXPECTED_ACTIVITIES[username]}
    assert set(ServiceActivity.objects.visible_to(user).values_list("pk", flat=True)) == expected
    api.force_authenticate(user)
    body = api.get("/api/v1/activities/").json()
    assert body["count"] == len(expected) == ServiceActivity.objects.visible_to(user).count()
    assert {row["id"] for row in body["results"]} == expected
    for activity in ServiceActivity.objects.exclude(pk__in=expected):
        assert api.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
        assert api.post(f"/api/v1/activities/{activity.pk}/confirm/").status_code in (403, 404)


@pytest.mark.parametrize("username", sorted(EXPECTED_ACTIVITIES))
def test_activity_pages_follow_the_same_scope(cast, ledger, client, username):
    user = cast.users[username]
    client.force_login(user)
    expected = {ledger[name].pk for name in EXPECTED_ACTIVITIES[username]}
    response = client.get(reverse("ledgers:activity_list"))
    assert response.status_code == 200
    assert {a.pk for a in response.context["page_obj"]} == expected
    for activity in ServiceActivity.objects.all():
        status = client.get(reverse("ledgers:serviceactivity_detail", args=[activity.pk])).status_code
        assert status == (200 if activity.pk in expected else 404)


def test_a_talent_does_not_see_the_pending_record_of_someone_else(cast, ledger):
    visible = ServiceActivity.objects.visible_to(cast.frank)
    assert not visible.filter(pk=ledger["by_unit"].pk).exists()
    confirm_activity(actor=cast.dave, activity=ledger["by_unit"])
    assert visible.filter(pk=ledger["by_unit"].pk).exists()


EXPECTED_MONTHS = {
    "alice": {"a1", "b1"},
    "bob": {"a1"},
    "carol": {"b1"},
    "dave": {"a1"},
    "erin": {"a1"},
    "frank": {"a1"},
    "grace": set(),
    "zoe": set(),
}


@pytest.mark.parametrize("username", sorted(EXPECTED_MONTHS))
def test_months_scope_matrix(cast, ledger, api, client, username):
    months = {
        "a1": LedgerMonth.objects.get(village=cast.village_a1),
        "b1": LedgerMonth.objects.get(village=cast.village_b1),
    }
    user = cast.users[username]
    expected = {months[name].pk for name in EXPECTED_MONTHS[username]}
    assert set(LedgerMonth.objects.visible_to(user).values_list("pk", flat=True)) == expected
    api.force_authenticate(user)
    body = api.get("/api/v1/ledger-months/").json()
    assert body["count"] == len(expected)
    assert {row["id"] for row in body["results"]} == expected
    client.force_login(user)
    for row in months.values():
        assert (api.get(f"/api/v1/ledger-months/{row.pk}/").status_code == 200) == (row.pk in expected)
        page = client.get(reverse("ledgers:month_ledger", args=[row.village_id, format_month(row.month)]))
        assert page.status_code == (200 if row.pk in expected else 404)
        export = client.get(reverse("ledgers:month_export", args=[row.village_id, format_month(row.month)]))
        assert export.status_code == (200 if row.pk in expected else 404)


def test_creating_in_another_village_is_refused_and_writes_nothing(cast, ledger, api, client):
    count = ServiceActivity.objects.count()
    api.force_authenticate(cast.dave)
    response = api.post("/api/v1/activities/", api_payload(cast.village_b1, talents=[cast.talent_t2]), format="json")
    assert response.status_code == 400 and "village" in response.json()["errors"]
    api.force_authenticate(cast.frank)
    response = api.post("/api/v1/activities/", api_payload(cast.village_b1, talents=[cast.talent_t]), format="json")
    assert response.status_code == 400
    api.force_authenticate(cast.zoe)  # a county admin does not record village activities at all
    response = api.post("/api/v1/activities/", api_payload(cast.village_a1, talents=[cast.talent_t]), format="json")
    assert response.status_code == 403
    client.force_login(cast.erin)  # the liaison naming a village their unit is not paired with
    assert client.get(reverse("ledgers:activity_create") + f"?village={cast.village_b1.pk}").status_code == 404
    assert ServiceActivity.objects.count() == count


def test_a_participant_from_another_county_is_a_field_error(cast, ledger, api):
    api.force_authenticate(cast.dave)
    response = api.post("/api/v1/activities/", api_payload(cast.village_a1, talents=[cast.other_talent]), format="json")
    assert response.status_code == 400 and "participants" in response.json()["errors"]


def test_a_month_of_another_village_cannot_be_opened(cast, ledger, api):
    api.force_authenticate(cast.dave)
    response = api.post("/api/v1/ledger-months/", {"village": cast.village_b1.pk, "month": "2026-01"}, format="json")
    assert response.status_code == 400
    assert not LedgerMonth.objects.filter(village=cast.village_b1, month__year=2026, month__month=1).exists()


def test_opening_a_month_through_the_api_is_idempotent(cast, api):
    api.force_authenticate(cast.dave)
    month = format_month(current_month())
    first = api.post("/api/v1/ledger-months/", {"village": cast.village_a1.pk, "month": month}, format="json")
    again = api.post("/api/v1/ledger-months/", {"village": cast.village_a1.pk, "month": month}, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
