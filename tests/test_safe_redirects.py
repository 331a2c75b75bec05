"""A `next` is followed only when it is a path on this site (pairing/redirects.py), on every handler
that reads one: the usual open-redirect vectors land on the handler's own default page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers.periods import quarter_of
from ledgers.services import demands as demand_services
from ledgers.services import evaluations as evaluation_services
from pairing.redirects import is_local_path
from tests.factories import PASSWORD
from tests.ledgers.helpers import record

pytestmark = pytest.mark.django_db

VECTORS = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "http://testserver@evil.example/",
    "\t//evil.example",
    "/\t/evil.example",
    " //evil.example",
    "///evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def _pending_activity(cast):
    return record(cast.frank, cast.village_a1, talents=[cast.talent_t])


def _evaluation(cast):
    today = timezone.localdate()
    return evaluation_services.record_evaluation(
        actor=cast.dave,
        talent=cast.talent_t,
        village=cast.village_a1,
        year=today.year,
        quarter=quarter_of(today),
        data=evaluation_services.EvaluationInput(rating="good"),
    )


def _demand(cast):
    data = demand_services.DemandInput(type="need", category="livelihood", title="修路", description="村道破损")
    return demand_services.publish_demand(actor=cast.dave, village=cast.village_a1, data=data)


# handler: (who posts, set-up returning (url, extra POST data), the default it falls back to)
HANDLERS = {
    "activity_confirm": (
        "dave",
        lambda cast: (reverse("ledgers:activity_confirm", args=[_pending_activity(cast).pk]), {}),
        lambda cast: reverse("ledgers:pending"),
    ),
    "activity_reject": (
        "dave",
        lambda cast: (reverse("ledgers:activity_reject", args=[_pending_activity(cast).pk]), {"reason": "照片不清"}),
        lambda cast: reverse("ledgers:pending"),
    ),
    "evaluation_forward": (
        "bob",
        lambda cast: (reverse("ledgers:evaluation_forward"), {"ids": [_evaluation(cast).pk]}),
        lambda cast: reverse("ledgers:evaluation_list"),
    ),
    "evaluation_forward_nothing_chosen": (
        "bob",
        lambda cast: (reverse("ledgers:evaluation_forward"), {}),
        lambda cast: reverse("ledgers:evaluation_list"),
    ),
    "demand_claim": (
        "frank",
        lambda cast: (reverse("ledgers:demand_action", args=[_demand(cast).pk, "claim"]), {}),
        lambda cast: cast.village_a1.demands.get().get_absolute_url(),
    ),
}


@pytest.mark.parametrize("handler", list(HANDLERS))
def test_an_off_site_next_falls_back_to_the_handlers_own_page(client, cast, handler):
    user, set_up, default = HANDLERS[handler]
    url, data = set_up(cast)
    client.force_login(getattr(cast, user))
    # One row serves every vector: a repeated confirm is refused, but it still redirects.
    landed = {vector: client.post(url, {**data, "next": vector}) for vector in VECTORS}
    assert {vector: (r.status_code, r["Location"]) for vector, r in landed.items()} == {
        vector: (302, default(cast)) for vector in VECTORS
    }


@pytest.mark.parametrize("handler", list(HANDLERS))
def test_a_path_on_this_site_is_followed(client, cast, handler):
    user, set_up, _default = HANDLERS[handler]
    url, data = set_up(cast)
    client.force_login(getattr(cast, user))
    response = client.post(url, {**data, "next": "/ledgers/activities/?page=2"})
    assert response["Location"] == "/ledgers/activities/?page=2"


def test_the_login_page_follows_no_off_site_next(cast):
    from django.test import Client

    for vector in VECTORS:
        response = Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD, "next": vector})
        assert (response.status_code, response["Location"]) == (302, reverse("pairing:home")), vector


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_counts_as_a_local_path(rf, vector):
    assert not is_local_path(vector, rf.post("/"))
