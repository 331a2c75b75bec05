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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (str(2**63), None),
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_parse_id_takes_positive_64_bit_ascii_integers_only(raw, expected):
    from pairing.core.filtering import parse_id

    assert parse_id(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_a_page_parameter_naming_an_impossible_row_is_404_not_500(client, cast, value):
    client.force_login(cast.dave)
    assert client.get("/ledgers/evaluations/new/", {"talent": value}).status_code == 404
    client.force_login(cast.erin)
    assert client.get("/ledgers/meetings/new/", {"pairing": value}).status_code == 404
