"""The directory API: the generic scoped checks for every endpoint, then what is particular to each."""

import pytest
from django.utils import timezone

from pairing.models import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    User,
    Village,
)
from tests.api_testing import ScopedAPITests
from tests.factories import PASSWORD

YEAR = timezone.localdate().year


class TestCountiesAPI(ScopedAPITests):
    url = "/api/v1/counties/"
    model = County
    editor = "root"  # counties are set up by the system administrator (a superuser), nobody in a county
    reader = "alice"
    list_queries = 2  # count + page

    def get_editor(self, cast):
        return User.objects.create_superuser("root", password=PASSWORD)

    def create_payload(self, cast, n=0):
        return {"name": f"新设县{n}", "code": f"3411{40 + n}"}


class TestTownshipsAPI(ScopedAPITests):
    url = "/api/v1/townships/"
    model = Township
    editor = "alice"
    reader = "bob"
    parent_field = "county"
    list_queries = 2

    def create_payload(self, cast, n=0):
        return {"county": cast.county.pk, "name": f"新镇{n}", "code": f"341122{300 + n}"}

    def out_of_scope_parent(self, cast):
        return cast.other_county


class TestVillagesAPI(ScopedAPITests):
    url = "/api/v1/villages/"
    model = Village
    editor = "bob"
    reader = "dave"
    parent_field = "township"
    list_queries = 2  # count + page (township joined)

    def create_payload(self, cast, n=0):
        return {
            "township": cast.township_a.pk,
            "name": f"新村{n}",
            "code": f"341122100{300 + n}",
            "kind": "village",
            "secretary_phone": "135 1234 5678",
        }

    def out_of_scope_parent(self, cast):
        return cast.township_b


class TestUnitsAPI(ScopedAPITests):
    url = "/api/v1/units/"
    model = CountyUnit
    editor = "alice"
    reader = "erin"
    parent_field = "county"
    list_queries = 2

    def create_payload(self, cast, n=0):
        return {"county": cast.county.pk, "name": f"县新单位{n}", "kind": "institution"}

    def out_of_scope_parent(self, cast):
        return cast.other_county


class TestTalentsAPI(ScopedAPITests):
    url = "/api/v1/talents/"
    model = UrbanTalent
    editor = "erin"
    reader = "bob"
    parent_field = "unit"
    list_queries = 3  # count + page (unit joined) + specialties prefetch

    def create_payload(self, cast, n=0):
        return {
            "county": cast.county.pk,
            "unit": cast.unit_u.pk,
            "name": f"新人才{n}",
            "gender": "female",
            "phone": f"+86 158-1234-560{n}",
            "specialties": list(Specialty.objects.values_list("pk", flat=True)[:2]),
        }

    def out_of_scope_parent(self, cast):
        return cast.unit_v


class TestTalentAssignmentsAPI(ScopedAPITests):
    url = "/api/v1/talent-assignments/"
    model = TalentAssignment
    editor = "bob"
    reader = "dave"
    parent_field = "village"
    list_queries = 2

    def create_payload(self, cast, n=0):
        return {"talent": cast.talent_t.pk, "village": cast.village_a2.pk, "year": YEAR + 1 + n}

    def update_payload(self, cast):
        return {"note": "乡镇调配说明"}

    def out_of_scope_parent(self, cast):
        return cast.village_b1


class TestPairingsAPI(ScopedAPITests):
    url = "/api/v1/pairings/"
    model = Pairing
    editor = "alice"
    reader = "bob"
    parent_field = "village"
    list_queries = 2

    def create_payload(self, cast, n=0):
        unit, village = [
            (cast.unit_v, cast.village_a2),
            (cast.unit_u, cast.village_a2),
            (cast.unit_u, cast.village_b1),
            (cast.unit_v, cast.village_a1),
        ][n % 4]
        return {"unit": unit.pk, "village": village.pk, "start_year": YEAR}

    def update_payload(self, cast):
        return {"note": "双方协商续签"}

    def out_of_scope_parent(self, cast):
        return cast.other_village


class TestHonoraryHeadsAPI(ScopedAPITests):
    url = "/api/v1/honorary-heads/"
    model = HonoraryVillageHead
    editor = "erin"
    reader = "dave"
    parent_field = "pairing"
    list_queries = 2

    @pytest.fixture
    def cast(self, cast):
        # The shared cast has one head; give the other county one so every user has rows out of scope.
        pairing = Pairing.objects.get(village=cast.other_village)
        HonoraryVillageHead.objects.create(pairing=pairing, name="邻县局长", phone="13311112222")
        return cast

    def create_payload(self, cast, n=0):
        return {
            "pairing": cast.pairing_u_a1.pk,
            "name": f"前任名誉村长{n}",
            "phone": "13612345678",
            "start_date": f"{2010 + n}-01-01",
            "end_date": f"{2010 + n}-12-31",
        }

    def out_of_scope_parent(self, cast):
        return cast.pairing_v_b1
