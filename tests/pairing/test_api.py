"""The directory API: the generic scoped checks for every endpoint, then what is particular to each."""

import pytest
from django.utils import timezone

from pairing.models import (
    AuditEvent,
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
from tests.api_testing import CHINESE, ScopedAPITests
from tests.factories import PASSWORD

YEAR = timezone.localdate().year


class TestCountiesAPI(ScopedAPITests):
    url = "/api/v1/counties/"
    model = County
    editor = "root"  # counties are set up by the system administrator (a superuser), nobody in a county
    reader = "alice"
    list_queries = 2  # count + page

    def get_editor(self, cast):
        return User.objects.create_superuser(
            "root", password=PASSWORD, must_change_password=False, password_changed_at=timezone.now()
        )

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


# -- what is particular to each endpoint -------------------------------------------------------


@pytest.mark.django_db
class TestPersonalDataIsMasked:
    @pytest.mark.parametrize("username", ["alice", "bob", "dave", "erin", "frank"])
    def test_talent_phone_and_id_are_masked_for_every_role(self, cast, api, username):
        api.force_authenticate(getattr(cast, username))
        row = api.get(f"/api/v1/talents/{cast.talent_t.pk}/").json()
        assert row["phone"] == "139****9000"
        assert row["id_number"] == "**************002X"

    def test_list_pages_mask_too(self, cast, api):
        api.force_authenticate(cast.alice)
        body = api.get("/api/v1/talents/").content.decode()
        assert "13900139000" not in body
        assert "11010519491231002X" not in body
        assert "139****9000" in body

    def test_a_row_read_and_written_back_keeps_its_full_numbers(self, cast, api):
        api.force_authenticate(cast.alice)
        row = api.get(f"/api/v1/talents/{cast.talent_t.pk}/").json()
        row["position"] = "高级农艺师"
        response = api.put(f"/api/v1/talents/{cast.talent_t.pk}/", row)
        assert response.status_code == 200, response.content
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.position == "高级农艺师"
        assert cast.talent_t.phone == "13900139000"
        assert cast.talent_t.id_number == "11010519491231002X"

    def test_phone_input_is_normalised(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"phone": "0086 137-0013-7999"})
        assert response.status_code == 200, response.content
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.phone == "13700137999"

    def test_a_malformed_id_number_is_a_chinese_field_error(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"id_number": "110105194912310021"})
        assert response.status_code == 400
        assert response.json()["errors"]["id_number"] == ["身份证号码校验位不正确，请核对。"]


@pytest.mark.django_db
class TestReveal:
    def reveal(self, api, user, talent):
        api.force_authenticate(user)
        return api.post(f"/api/v1/talents/{talent.pk}/reveal/")

    def test_county_admin_sees_phone_and_id_number(self, cast, api):
        response = self.reveal(api, cast.alice, cast.talent_t)
        assert response.status_code == 200
        assert response.json() == {"phone": "13900139000", "id_number": "11010519491231002X"}

    @pytest.mark.parametrize("username", ["bob", "dave", "erin"])
    def test_township_village_and_unit_roles_see_the_phone_only(self, cast, api, username):
        response = self.reveal(api, getattr(cast, username), cast.talent_t)
        assert response.status_code == 200
        assert response.json() == {"phone": "13900139000"}

    def test_a_talent_sees_their_own_numbers(self, cast, api):
        response = self.reveal(api, cast.frank, cast.talent_t)
        assert response.json() == {"phone": "13900139000", "id_number": "11010519491231002X"}

    @pytest.mark.parametrize(
        ("username", "talent"), [("frank", "talent_t2"), ("grace", "talent_t"), ("zoe", "talent_t")]
    )
    def test_out_of_scope_reveal_is_404(self, cast, api, username, talent):
        assert self.reveal(api, getattr(cast, username), getattr(cast, talent)).status_code == 404

    def test_each_reveal_is_audited_without_the_numbers(self, cast, api):
        self.reveal(api, cast.bob, cast.talent_t)
        event = AuditEvent.objects.get(action="reveal", user_id=cast.bob.pk)
        assert event.object_id == str(cast.talent_t.pk)
        assert event.message == "查看完整个人信息：手机号码"
        assert "13900139000" not in str(event.changes) + event.message


@pytest.mark.django_db
class TestFieldLevelControl:
    def test_unit_liaison_cannot_move_a_talent_to_another_unit(self, cast, api):
        api.force_authenticate(cast.erin)
        response = api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"unit": cast.unit_v.pk})
        assert response.status_code == 400
        assert "不在您的管理范围内" in response.json()["errors"]["unit"][0]
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.unit == cast.unit_u

    def test_unit_liaison_cannot_move_a_talent_to_another_county(self, cast, api):
        api.force_authenticate(cast.erin)
        response = api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"county": cast.other_county.pk})
        assert response.status_code == 400
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.county == cast.county

    def test_unit_liaison_cannot_change_a_talents_status(self, cast, api):
        api.force_authenticate(cast.erin)
        response = api.patch(
            f"/api/v1/talents/{cast.talent_t.pk}/", {"status": "withdrawn", "status_reason": "调离本单位"}
        )
        assert response.status_code == 400
        assert response.json()["errors"]["status"] == ["您的角色无权修改该字段。"]
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.status == "active"
        assert not AuditEvent.objects.filter(action="update", object_id=str(cast.talent_t.pk)).exists()

    def test_unit_liaison_may_repeat_the_stored_status_and_edit_other_fields(self, cast, api):
        api.force_authenticate(cast.erin)
        response = api.patch(f"/api/v1/talents/{cast.talent_t.pk}/", {"status": "active", "position": "农艺师"})
        assert response.status_code == 200, response.content
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.position == "农艺师"

    def test_unit_liaison_cannot_create_a_withdrawn_talent(self, cast, api):
        api.force_authenticate(cast.erin)
        payload = TestTalentsAPI().create_payload(cast) | {"status": "withdrawn", "status_reason": "x"}
        response = api.post("/api/v1/talents/", payload)
        assert response.status_code == 400
        assert "status" in response.json()["errors"]
        assert not UrbanTalent.objects.filter(name=payload["name"]).exists()

    def test_county_admin_replaces_a_talent_only_with_a_reason(self, cast, api):
        api.force_authenticate(cast.alice)
        url = f"/api/v1/talents/{cast.talent_t.pk}/"
        response = api.patch(url, {"status": "replaced"})
        assert response.status_code == 400
        assert response.json()["errors"]["status_reason"] == ["更换或退出须填写原因。"]
        response = api.patch(url, {"status": "replaced", "status_reason": "长期不能正常履职"})
        assert response.status_code == 200
        cast.talent_t.refresh_from_db()
        assert cast.talent_t.status == "replaced"

    def test_township_officer_cannot_move_a_village_to_another_township(self, cast, api):
        api.force_authenticate(cast.bob)
        response = api.patch(f"/api/v1/villages/{cast.village_a2.pk}/", {"township": cast.township_b.pk})
        assert response.status_code == 400
        cast.village_a2.refresh_from_db()
        assert cast.village_a2.township == cast.township_a


@pytest.mark.django_db
class TestListFeatures:
    def test_q_searches_names(self, cast, api):
        api.force_authenticate(cast.alice)
        body = api.get("/api/v1/villages/", {"q": "甲"}).json()
        assert sorted(row["name"] for row in body["results"]) == ["甲一村", "甲二村"]

    def test_filters_by_parent(self, cast, api):
        api.force_authenticate(cast.alice)
        body = api.get("/api/v1/villages/", {"township": cast.township_b.pk}).json()
        assert [row["name"] for row in body["results"]] == ["乙一村"]

    def test_filtering_by_an_out_of_scope_parent_is_refused_in_chinese(self, cast, api):
        api.force_authenticate(cast.bob)
        response = api.get("/api/v1/villages/", {"township": cast.township_b.pk})
        assert response.status_code == 400
        assert "township" in response.json()["errors"]
        assert CHINESE.search(response.json()["detail"])

    def test_a_malformed_filter_value_is_refused_in_chinese(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.get("/api/v1/pairings/", {"active_in": "明年"})
        assert response.status_code == 400
        assert response.json()["errors"]["active_in"] == ["请填写整数。"]

    def test_ordering(self, cast, api):
        api.force_authenticate(cast.alice)
        names = [row["name"] for row in api.get("/api/v1/villages/", {"ordering": "-code"}).json()["results"]]
        assert names == ["乙一村", "甲二村", "甲一村"]

    def test_pagination(self, cast, api):
        api.force_authenticate(cast.alice)
        body = api.get("/api/v1/villages/", {"page_size": 2}).json()
        assert body["count"] == 3
        assert len(body["results"]) == 2
        assert body["previous"] is None
        assert "page=2" in body["next"]
        response = api.get("/api/v1/villages/", {"page": 9})
        assert response.status_code == 404
        assert CHINESE.search(response.json()["detail"])


@pytest.mark.django_db
class TestChineseErrors:
    def test_missing_fields_are_reported_by_name_in_chinese(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.post("/api/v1/townships/", {})
        assert response.status_code == 400
        body = response.json()
        assert body["errors"]["name"] == ["此项为必填项。"]
        assert body["detail"].startswith("提交的数据有误：")

    def test_model_rules_come_back_as_field_errors(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.post("/api/v1/townships/", {"county": cast.county.pk, "name": "丁镇", "code": "341199100"})
        assert response.status_code == 400
        assert "341122" in response.json()["errors"]["code"][0]
        assert not Township.objects.filter(name="丁镇").exists()

    def test_anonymous_requests_get_401_in_chinese(self, db, api):
        response = api.get("/api/v1/villages/")
        assert response.status_code == 401
        assert response.json()["detail"] == "尚未登录，请先登录。"
        assert response["WWW-Authenticate"] == "Token"

    def test_method_not_allowed_is_chinese(self, cast, api):
        api.force_authenticate(cast.alice)
        response = api.post("/api/v1/specialties/", {"name": "外语"})
        assert response.status_code == 405
        assert CHINESE.search(response.json()["detail"])

    def test_django_filter_messages_are_chinese(self, db):
        # django-filter ships only zh_CN, which Django never loads for zh-hans; locale/zh_Hans fills the gap.
        import django_filters
        from django.utils import translation

        class NumberRangeFilter(django_filters.BaseRangeFilter, django_filters.NumberFilter):
            pass

        class YearRangeFilterSet(django_filters.FilterSet):
            start_year = NumberRangeFilter(lookup_expr="range")

            class Meta:
                model = Pairing
                fields = []

        with translation.override("zh-hans"):
            filterset = YearRangeFilterSet(data={"start_year": "2020"}, queryset=Pairing.objects.none())
            assert filterset.errors["start_year"] == ["范围查询需要两个值。"]
            assert str(django_filters.OrderingFilter().label) == "排序"


@pytest.mark.django_db
class TestMe:
    @pytest.mark.parametrize(
        ("username", "role", "scope_type", "scope_name"),
        [
            ("alice", "county_admin", "county", "测试县"),
            ("bob", "township_officer", "township", "甲镇"),
            ("dave", "village_secretary", "village", "甲一村"),
            ("erin", "unit_liaison", "countyunit", "县农业农村局"),
            ("frank", "talent", "urbantalent", "张三"),
        ],
    )
    def test_me_shows_role_and_scope(self, cast, api, username, role, scope_type, scope_name):
        api.force_authenticate(getattr(cast, username))
        body = api.get("/api/v1/me/").json()
        assert body["username"] == username
        assert body["role"] == role
        assert body["scope"]["type"] == scope_type
        assert body["scope"]["name"] == scope_name


@pytest.mark.django_db
class TestSchema:
    def test_schema_and_docs_need_a_login(self, cast, api):
        assert api.get("/api/schema/").status_code == 401
        api.force_authenticate(cast.alice)
        response = api.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        paths = response.json()["paths"]
        for path in ("me", "counties", "townships", "villages", "units", "talents", "pairings"):
            assert f"/api/v1/{path}/" in paths
        assert "/api/v1/auth/token/" in paths
        assert api.get("/api/docs/").status_code == 200

    def test_specialties_are_a_shared_read_only_vocabulary(self, cast, api):
        api.force_authenticate(cast.frank)
        body = api.get("/api/v1/specialties/").json()
        assert "农业技术" in [row["name"] for row in body]
