"""Filters refuse impossible values with a Chinese 400 instead of a server error."""

import pytest

YEAR_FILTERED = [
    "/api/v1/demands/",
    "/api/v1/ledger-months/",
    "/api/v1/meetings/",
    "/api/v1/agreements/",
    "/api/v1/talents/",
    "/api/v1/evaluations/",
    "/api/v1/talent-assignments/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", YEAR_FILTERED)
@pytest.mark.parametrize("year", ["0", "0.0", "99999", "-1"])
def test_an_impossible_year_is_a_chinese_400(api, cast, url, year):
    api.force_authenticate(cast.alice)
    response = api.get(url, {"year": year})
    assert response.status_code == 400, response.content
    assert "year" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", YEAR_FILTERED)
def test_a_real_year_filters(api, cast, url):
    api.force_authenticate(cast.alice)
    response = api.get(url, {"year": "2026"})
    assert response.status_code == 200


ID_FILTERED = [
    ("/api/v1/activities/", "talent"),
    ("/api/v1/activities/", "unit"),
    ("/api/v1/activities/", "township"),
    ("/api/v1/ledger-months/", "township"),
    ("/api/v1/meetings/", "village"),
    ("/api/v1/evaluations/", "unit"),
    ("/api/v1/villages/", "township"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), ID_FILTERED)
@pytest.mark.parametrize("value", ["-1.2e242", "99999999999999999999999", "0"])
def test_an_impossible_id_is_a_chinese_400(api, cast, url, name, value):
    # SQLite cannot bind integers beyond 64 bits: unchecked, these were server errors.
    api.force_authenticate(cast.alice)
    response = api.get(url, {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()["errors"]
