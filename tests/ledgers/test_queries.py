"""Pinned query counts: list pages and endpoints cost the same however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.periods import current_month, format_month
from ledgers.services import add_photo

from .helpers import png_upload, record

pytestmark = pytest.mark.django_db


def _fill(cast, n):
    for i in range(n):
        activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u], title=f"活动{i}")
        add_photo(actor=cast.dave, activity=activity, upload=png_upload())


def _count(get):
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200
    return len(queries)


def _pages(cast, client, api):
    client.force_login(cast.bob)
    api.force_authenticate(cast.bob)
    month = format_month(current_month())
    return {
        "activity list page": lambda: client.get(reverse("ledgers:activity_list")),
        "month ledger page": lambda: client.get(reverse("ledgers:month_ledger", args=[cast.village_a1.pk, month])),
        "month list page": lambda: client.get(reverse("ledgers:month_list")),
        "activities endpoint": lambda: api.get("/api/v1/activities/"),
        "ledger-months endpoint": lambda: api.get("/api/v1/ledger-months/"),
    }


# Why these numbers. Pages: session + user (2) and saving the session every request
# (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release = 3), the navbar's unread count (1).
# Then the rows and one query per prefetched relation (participants, their talents, units,
# photos) — never one per row. Each filter of the page's filter form that chooses among rows (a
# village) reads its choices once.
PINNED = {
    "activity list page": 6 + 6 + 1,  # count, activities, participants, talents, units, photos; village filter
    "month ledger page": 6 + 10,  # village, month row, activities + 5 prefetches, 2 totals aggregates
    "month list page": 6 + 2 + 1,  # count, month rows (village and township joined); village filter
    "activities endpoint": 6,  # count, activities, participants, talents, units, photos
    "ledger-months endpoint": 4,  # count, month rows, then totals for the whole page in 2 grouped queries
}


def test_query_counts_are_pinned_and_do_not_grow_with_rows(cast, client, api):
    _fill(cast, 2)
    few = {name: _count(get) for name, get in _pages(cast, client, api).items()}
    _fill(cast, 6)
    many = {name: _count(get) for name, get in _pages(cast, client, api).items()}
    assert few == many
    assert many == PINNED
