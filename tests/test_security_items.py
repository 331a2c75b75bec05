"""One test per SECURITY.md item that the rest of the suite covers under other names, so that
`pytest -k test_security_<n>` finds each item (docs/security.md lists the fuller tests)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pairing.core.excel import safe_text
from pairing.models import AuditEvent, UrbanTalent
from pairing.validators import normalize_phone
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_security_5_a_demo_account_cannot_log_in_outside_demo_mode(cast, settings):
    settings.DEMO_MODE = False
    cast.dave.is_demo = True
    cast.dave.save()
    response = Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD})
    assert response.status_code == 200  # the form again, not a redirect into the portal
    settings.DEMO_MODE = True
    assert Client().post(reverse("pairing:login"), {"username": "dave", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_security_6_anonymous_requests_reach_neither_pages_nor_api(cast):
    client = Client()
    page = client.get(reverse("pairing:village_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("pairing:login"))
    assert client.get("/api/v1/villages/").status_code == 401
    assert client.get(reverse("pairing:audit_log")).status_code == 302


@pytest.mark.django_db
def test_security_8_a_create_naming_another_countys_unit_is_refused_and_writes_nothing(cast, api):
    api.force_authenticate(cast.alice)
    before = UrbanTalent.objects.count()
    response = api.post(
        "/api/v1/talents/",
        {"county": cast.county.pk, "unit": cast.other_unit.pk, "name": "越权", "gender": "male"},
    )
    assert response.status_code in (400, 404)
    assert UrbanTalent.objects.count() == before


def test_security_14_phone_numbers_are_normalised_and_validated():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValidationError):
        normalize_phone("12800138000")


@pytest.mark.django_db
def test_security_15_personal_numbers_are_masked_by_default(cast, api):
    api.force_authenticate(cast.alice)
    row = api.get(f"/api/v1/talents/{cast.talent_t.pk}/").json()
    assert "****" in row["phone"] and row["id_number"].startswith("****")


@pytest.mark.django_db
def test_security_16_no_full_number_in_the_audit_trail(cast, api):
    api.force_authenticate(cast.alice)
    api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"phone": "15987654321"})
    text = str(list(AuditEvent.objects.values_list("changes", "message")))
    assert "15987654321" not in text and "159****4321" in text


def test_security_18_exported_cells_never_start_a_formula():
    assert [safe_text(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "普通")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "普通",
    ]
