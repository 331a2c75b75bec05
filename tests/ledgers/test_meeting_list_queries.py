"""The joint meetings page: its pairing filter lists each pairing by unit and village in one query,
however many pairings the user sees (a county's page ran 607 queries at city scale)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pairing.models import CountyUnit, Pairing, Village

pytestmark = pytest.mark.django_db


def _get(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ledgers:meeting_list"))
    assert response.status_code == 200
    return response, len(queries)


def test_the_meetings_page_costs_the_same_queries_for_2_pairings_as_for_8(cast, client, django_assert_num_queries):
    client.force_login(cast.alice)
    _, few = _get(client)
    year = timezone.localdate().year
    for n in range(6):
        village = Village.objects.create(township=cast.township_a, name=f"新{n}村", code=f"34112210030{n}")
        unit = CountyUnit.objects.create(county=cast.county, name=f"县新{n}局")
        Pairing.objects.create(unit=unit, village=village, start_year=year)

    with django_assert_num_queries(few):
        response = client.get(reverse("ledgers:meeting_list"))

    assert "县新5局 ↔ 新5村" in response.content.decode()  # the filter still lists every pairing by name
