"""A phone or ID number spelled with full-width or other scripts' digits is the same number: stored
as ASCII, and refused as a duplicate of the one already registered (pages, API and the model)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pairing.models import HonoraryVillageHead, UrbanTalent, User, Village
from pairing.services.directory import save_object

pytestmark = pytest.mark.django_db

# The cast's talent 张三 is registered with 13900139000 and ID 11010519491231002X.
FULL_WIDTH_PHONE = "13９００１３９０００"
ARABIC_INDIC_PHONE = "١٣٩٠٠١٣٩٠٠٠"
ARABIC_INDIC_ID = "١١٠١٠٥١٩٤٩١٢٣١٠٠٢x"
DUPLICATE_PHONE = "该手机号码已登记为其他城市人才。"
DUPLICATE_ID = "该身份证号码已登记为其他城市人才。"


def _page_payload(cast, **fields) -> dict:
    return {
        "county": cast.county.pk,
        "unit": cast.unit_u.pk,
        "name": "重复登记",
        "gender": "male",
        "political_status": "member",
        "phone": "13511112222",
        "status": "active",
        **fields,
    }


def _api_payload(cast, **fields) -> dict:
    return {"county": cast.county.pk, "unit": cast.unit_u.pk, "name": "重复登记", "gender": "male", **fields}


@pytest.mark.parametrize("phone", [FULL_WIDTH_PHONE, ARABIC_INDIC_PHONE, "+86 139-0013-9000"])
def test_the_page_refuses_a_registered_phone_in_other_digits(client, cast, phone):
    client.force_login(cast.alice)
    before = UrbanTalent.objects.count()
    response = client.post(reverse("pairing:urbantalent_create"), _page_payload(cast, phone=phone))
    assert response.status_code == 200
    assert DUPLICATE_PHONE in response.context["form"].errors["phone"]
    assert UrbanTalent.objects.count() == before


def test_the_page_refuses_a_registered_id_number_in_other_digits(client, cast):
    client.force_login(cast.alice)
    before = UrbanTalent.objects.count()
    response = client.post(reverse("pairing:urbantalent_create"), _page_payload(cast, id_number=ARABIC_INDIC_ID))
    assert response.status_code == 200
    assert DUPLICATE_ID in response.context["form"].errors["id_number"]
    assert UrbanTalent.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"phone": FULL_WIDTH_PHONE}, "phone", DUPLICATE_PHONE),
        ({"phone": ARABIC_INDIC_PHONE}, "phone", DUPLICATE_PHONE),
        ({"phone": "13511112222", "id_number": ARABIC_INDIC_ID}, "id_number", DUPLICATE_ID),
    ],
)
def test_the_api_refuses_a_registered_number_in_other_digits(api, cast, fields, field, message):
    api.force_authenticate(cast.alice)
    before = UrbanTalent.objects.count()
    response = api.post("/api/v1/talents/", _api_payload(cast, **fields), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert message in errors.get(field, []) + errors.get("non_field_errors", []), errors
    assert UrbanTalent.objects.count() == before


def test_a_new_number_in_other_digits_is_stored_as_ascii(client, api, cast):
    client.force_login(cast.alice)
    client.post(
        reverse("pairing:urbantalent_create"), _page_payload(cast, name="页面新人", phone="１３５ ２２２２ ３３３３")
    )
    assert UrbanTalent.objects.get(name="页面新人").phone == "13522223333"
    api.force_authenticate(cast.alice)
    response = api.post("/api/v1/talents/", _api_payload(cast, name="接口新人", phone="١٣٦٤٤٤٤٥٥٥٥"), format="json")
    assert response.status_code == 201, response.content
    assert UrbanTalent.objects.get(name="接口新人").phone == "13644445555"


def test_the_model_normalises_before_validating_and_storing(cast):
    talent = UrbanTalent(county=cast.county, name="模型", gender="male", phone="１３７-１１１１-２２２２")
    save_object(actor=cast.alice, obj=talent)
    talent.refresh_from_db()
    assert talent.phone == "13711112222"
    # Saved without full_clean (imports, bulk code): the field still stores the ASCII form.
    village = Village.objects.create(
        township=cast.township_a, name="新村", code="341122100299", secretary_phone="１３８ ０００１ ０００２"
    )
    village.refresh_from_db()
    assert village.secretary_phone == "13800010002"
    # And an exact lookup finds the number however it is spelled.
    assert UrbanTalent.objects.filter(phone=FULL_WIDTH_PHONE).get() == cast.talent_t


def test_the_model_refuses_what_is_still_not_ascii(cast):
    talent = UrbanTalent(county=cast.county, name="模型", gender="male", phone="一三七一一一一二二二二")
    with pytest.raises(ValidationError) as exc:
        talent.full_clean()
    assert "手机号码格式不正确" in exc.value.message_dict["phone"][0]


@pytest.mark.parametrize(
    ("model", "field", "build"),
    [
        (HonoraryVillageHead, "phone", lambda cast: {"pairing": cast.pairing_u_a1, "name": "新局长"}),
        (User, "phone", lambda cast: {"username": "newuser", "full_name": "新用户"}),
    ],
)
def test_every_phone_field_normalises(cast, model, field, build):
    row = model(**build(cast), **{field: ARABIC_INDIC_PHONE})
    row.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != field])
    assert getattr(row, field) == "13900139000"


def test_the_migration_rewrites_numbers_stored_as_sent_and_leaves_duplicates_to_people(cast):
    """Rows written before the fields normalised hold full-width digits; the migration rewrites
    them, except one whose ASCII form another row already holds (that is for a person to resolve)."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("pairing.migrations.0004_phone_and_id_number_fields_normalise_digits")
    duplicate = UrbanTalent.objects.create(county=cast.county, name="重复", gender="male", phone="13522220000")
    table = UrbanTalent._meta.db_table
    with connection.cursor() as cursor:  # raw SQL: the ORM would normalise on the way in
        cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", ["１３９００１３９０００", duplicate.pk])
        cursor.execute(f"UPDATE {table} SET id_number = %s WHERE id = %s", ["١١٠١٠٥١٩٤٩١٢٣١٠٠٢x", cast.talent_t.pk])
        cursor.execute(
            f"UPDATE {Village._meta.db_table} SET secretary_phone = %s WHERE id = %s",
            ["１３８０００１０００２", cast.village_a1.pk],  # 11 characters, as the old column allowed
        )
    migration.normalise_stored_numbers(apps, None)
    raw = UrbanTalent.objects.values_list("phone", "id_number")
    assert raw.get(pk=cast.talent_t.pk) == ("13900139000", "11010519491231002X")
    assert raw.get(pk=duplicate.pk)[0] == "１３９００１３９０００"  # 张三 holds 13900139000
    assert Village.objects.values_list("secretary_phone", flat=True).get(pk=cast.village_a1.pk) == "13800010002"
