"""The OpenAPI schema tells the truth: the mini-program is generated from it.

The bounded schemathesis run (tools/fuzz_api.py, in .ci/run) checks real responses against the
schema; these tests pin the rules behind the failures it found, so a new serializer or action that
breaks one fails here at once, with its name.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.fields import empty

import ledgers.api.urls  # noqa: F401 - registers the ledger serializers below
import pairing.api.urls  # noqa: F401
from pairing.models import UrbanTalent


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def api_serializers() -> list[type[serializers.Serializer]]:
    """Every serializer class the project's API modules define."""
    found, todo = set(), [serializers.Serializer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in {"pairing", "ledgers", "assessment"}:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_read_only_fields_say_allow_null_rather_than_default():
    """DRF leaves a field's default out of a partial update's response, so a read-only field with
    `default=` vanished from PATCH responses; `allow_null=True` keeps it, and the schema says null."""
    offenders = []
    for cls in api_serializers():
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # an abstract base; its subclasses are checked
        for name, field in cls().fields.items():
            if field.read_only and field.default is not empty:
                offenders.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert not offenders


def test_who_did_it_is_nullable_wherever_the_schema_names_a_person(schema):
    """`recorded_by`, `confirmed_by`, …: null until someone did it (and for rows the demo built)."""
    checked = []
    for component, body in schema["components"]["schemas"].items():
        for name, prop in body.get("properties", {}).items():
            if name.endswith("_by") and prop.get("type") == "string":
                checked.append(f"{component}.{name}")
                assert prop.get("nullable") is True, f"{component}.{name}"
    assert "ServiceActivity.recorded_by" in checked and "LedgerMonth.reopened_by" in checked


def test_an_operation_on_one_row_is_never_declared_as_a_paginated_list(schema):
    """`agreements/{id}/revisions/` and `demands/{id}/suggestions/` answer plain lists."""
    for path, operations in schema["paths"].items():
        if "{" not in path or "get" not in operations:
            continue
        operation = operations["get"]
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert not names & {"page", "page_size", "ordering"}, path
        body = operation["responses"]["200"]["content"]
        for media in body.values():
            assert "Paginated" not in media["schema"].get("$ref", ""), path
    for path in ("/api/v1/agreements/{id}/revisions/", "/api/v1/demands/{id}/suggestions/"):
        declared = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert declared["type"] == "array", path


@pytest.mark.django_db
def test_a_patch_response_carries_every_declared_field(cast, api, schema):
    talent = UrbanTalent.objects.create(county=cast.county, name="赵六", gender="male", phone="13500135000")
    api.force_authenticate(cast.alice)
    response = api.patch(f"/api/v1/talents/{talent.pk}/", {"position": "干部"}, format="json")
    assert response.status_code == 200, response.json()
    declared = schema["components"]["schemas"]["UrbanTalent"]
    body = response.json()
    assert set(declared["required"]) <= set(body)
    assert body["unit_name"] is None  # no unit: null, as declared
    assert declared["properties"]["unit_name"]["nullable"] is True
