"""/api/v1/agreements/ and its item endpoints: scope, actions, refusals, 409, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairing.choices import AgreementStatus
from pairing.models import Agreement, AgreementDemandItem, AgreementProjectItem, AgreementResourceItem
from tests.pairing.test_agreements_support import YEAR, fake_pdf_upload, make_agreement, pdf_upload

S = AgreementStatus
URL = "/api/v1/agreements/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe"]
TODAY = timezone.localdate().isoformat()  # the Shanghai day, as the rules see it


def detail(agreement, action=""):
    return f"{URL}{agreement.pk}/{action + '/' if action else ''}"


@pytest.mark.django_db
def test_a_liaison_and_a_secretary_take_an_agreement_from_draft_to_signed(cast, api):
    api.force_authenticate(cast.dave)
    response = api.post(URL, {"pairing": cast.pairing_u_a1.pk, "year": YEAR})
    assert response.status_code == 201, response.content
    body = response.json()
    pk, version = body["id"], body["version"]
    assert body["status"] == "draft" and "submit" in body["actions"]

    demand = api.post(
        "/api/v1/agreement-demands/",
        {"agreement": pk, "category": "industry", "description": "发展茶叶合作社", "agreement_version": version},
    )
    assert demand.status_code == 201, demand.content
    api.force_authenticate(cast.erin)
    resource = api.post(
        "/api/v1/agreement-resources/",
        {"agreement": pk, "kind": "funds", "description": "产业扶持资金", "amount": "10.00", "unit_of_measure": "万元"},
    )
    assert resource.status_code == 201, resource.content
    project = api.post(
        "/api/v1/agreement-projects/",
        {
            "agreement": pk,
            "name": "茶叶合作社建设",
            "content": "建设茶叶加工车间",
            "demands": [demand.json()["id"]],
            "resources": [resource.json()["id"]],
            "planned_investment": "10.00",
            "unit_owner": "王局长",
            "village_owner": "李书记",
            "start_date": f"{YEAR}-04-01",
            "end_date": f"{YEAR}-11-30",
        },
    )
    assert project.status_code == 201, project.content

    version = api.get(detail(Agreement(pk=pk))).json()["version"]
    assert version == 4  # created, then three item writes
    api.force_authenticate(cast.dave)
    submitted = api.post(f"{URL}{pk}/submit/", {"version": version})
    assert submitted.status_code == 200, submitted.content
    api.force_authenticate(cast.erin)
    confirmed = api.post(f"{URL}{pk}/confirm/", {"version": submitted.json()["version"]})
    assert confirmed.json()["status"] == "confirmed"
    signed = api.post(
        f"{URL}{pk}/sign/",
        {"version": confirmed.json()["version"], "signed_on": TODAY, "scan": pdf_upload()},
        format="multipart",
    )
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["status"] == "signed" and body["has_scan"]
    assert (body["unit_signatory"], body["village_signatory"]) == ("王局长", "李书记")
    assert [t["action"] for t in body["transitions"]] == ["create", "submit", "confirm", "sign"]
    assert body["projects"][0]["demands"] == [demand.json()["id"]]
    download = api.get(f"{URL}{pk}/scan/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
class TestScope:
    @pytest.fixture
    def agreements(self, cast):
        return [
            make_agreement(cast.pairing_u_a1, status=S.SIGNED),
            make_agreement(cast.pairing_u_a1, status=S.CLOSED, year=YEAR - 1),
            make_agreement(cast.pairing_v_b1),
        ]

    @pytest.mark.parametrize("username", USERS)
    def test_lists_hold_exactly_the_visible_rows(self, cast, api, agreements, username):
        user = getattr(cast, username)
        api.force_authenticate(user)
        for url, model in [
            (URL, Agreement),
            ("/api/v1/agreement-resources/", AgreementResourceItem),
            ("/api/v1/agreement-demands/", AgreementDemandItem),
            ("/api/v1/agreement-projects/", AgreementProjectItem),
        ]:
            body = api.get(url).json()
            expected = set(model.objects.visible_to(user).values_list("pk", flat=True))
            assert body["count"] == len(expected), url
            assert {row["id"] for row in body["results"]} == expected, url

    def test_the_counts_behind_the_matrix(self, cast, api, agreements):
        counts = {name: Agreement.objects.visible_to(getattr(cast, name)).count() for name in USERS}
        assert counts == {"alice": 3, "bob": 2, "carol": 1, "dave": 2, "erin": 2, "frank": 2, "grace": 0, "zoe": 0}

    @pytest.mark.parametrize("username", ["carol", "grace", "zoe"])
    def test_out_of_scope_is_404_for_reads_actions_and_items(self, cast, api, agreements, username):
        agreement = agreements[0]
        api.force_authenticate(getattr(cast, username))
        assert api.get(detail(agreement)).status_code == 404
        response = api.post(detail(agreement, "amend"), {"version": 1, "reason": "x"})
        assert response.status_code == 404 and CHINESE.search(response.json()["detail"])
        item = agreement.resources.get()
        assert api.get(f"/api/v1/agreement-resources/{item.pk}/").status_code == 404
        assert api.delete(f"/api/v1/agreement-resources/{item.pk}/").status_code == 404
        assert Agreement.objects.get(pk=agreement.pk).status == S.SIGNED

    def test_an_item_cannot_be_added_to_an_out_of_scope_agreement(self, cast, api, agreements):
        api.force_authenticate(cast.dave)
        response = api.post(
            "/api/v1/agreement-demands/", {"agreement": agreements[2].pk, "category": "other", "description": "x"}
        )
        assert response.status_code == 400 and "不在您的管理范围内" in response.json()["detail"]
        assert agreements[2].demands.count() == 1

    def test_filters(self, cast, api, agreements):
        api.force_authenticate(cast.alice)

        def ids(**params):
            return {row["id"] for row in api.get(URL, params).json()["results"]}

        signed, closed, other = agreements
        assert ids(year=YEAR) == {signed.pk, other.pk}
        assert ids(status="closed") == {closed.pk}
        assert ids(township=cast.township_b.pk) == {other.pk}
        assert ids(unit=cast.unit_u.pk) == {signed.pk, closed.pk}
        assert ids(village=cast.village_a1.pk, year=YEAR - 1) == {closed.pk}
        assert ids(q="卫生") == {other.pk}
        api.force_authenticate(cast.dave)
        refused = api.get(URL, {"township": cast.township_b.pk})
        assert refused.status_code == 400 and CHINESE.search(refused.json()["detail"])


@pytest.mark.django_db
class TestRefusals:
    def test_wrong_role_is_403_in_chinese_and_changes_nothing(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        api.force_authenticate(cast.erin)
        response = api.post(detail(agreement, "submit"), {"version": 1})
        assert response.status_code == 403
        assert response.json()["detail"] == "只有村党组织书记/村务专干可以提交协议。"
        assert Agreement.objects.get().status == S.DRAFT

    def test_wrong_state_is_400(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        api.force_authenticate(cast.erin)
        response = api.post(detail(agreement, "confirm"), {"version": 1})
        assert response.status_code == 400
        assert "协议当前状态为“草拟中”，不能确认协议" in response.json()["detail"]

    def test_a_stale_version_is_409_and_overwrites_nothing(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        api.force_authenticate(cast.erin)
        edit = api.post(detail(agreement, "terms"), {"version": 1, "terms": "单位修改后的条款"})
        assert edit.status_code == 200 and edit.json()["version"] == 2
        api.force_authenticate(cast.dave)
        response = api.post(detail(agreement, "submit"), {"version": 1})
        assert response.status_code == 409
        assert response.json()["detail"] == "该协议已被他人修改，请刷新页面后重试。"
        stale_item = api.post(
            "/api/v1/agreement-demands/",
            {"agreement": agreement.pk, "category": "other", "description": "x", "agreement_version": 1},
        )
        assert stale_item.status_code == 409
        stored = Agreement.objects.get()
        assert (stored.status, stored.version, stored.demands.count()) == (S.DRAFT, 2, 1)

    def test_actions_need_the_version(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        api.force_authenticate(cast.dave)
        response = api.post(detail(agreement, "submit"), {})
        assert response.status_code == 400 and "version" in response.json()["errors"]

    def test_a_duplicate_year_is_refused(self, cast, api):
        make_agreement(cast.pairing_u_a1, filled=False)
        api.force_authenticate(cast.erin)
        response = api.post(URL, {"pairing": cast.pairing_u_a1.pk, "year": YEAR})
        assert response.status_code == 400
        assert "每个结对关系每年只能签订一份协议" in response.json()["errors"]["year"][0]
        assert Agreement.objects.count() == 1

    def test_an_empty_list_blocks_signing(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED, filled=False)
        api.force_authenticate(cast.erin)
        response = api.post(
            detail(agreement, "sign"), {"version": 1, "signed_on": TODAY, "scan": pdf_upload()}, format="multipart"
        )
        assert response.status_code == 400
        assert "资源清单、需求清单、结对共建项目清单为空" in response.json()["detail"]

    def test_project_dates_outside_the_year_are_a_field_error(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        api.force_authenticate(cast.dave)
        response = api.post(
            "/api/v1/agreement-projects/",
            {
                "agreement": agreement.pk,
                "name": "明年的项目",
                "unit_owner": "王",
                "village_owner": "李",
                "start_date": f"{YEAR + 1}-01-01",
                "end_date": f"{YEAR + 1}-02-01",
            },
        )
        assert response.status_code == 400
        assert "协议年度" in response.json()["errors"]["end_date"][0]
        assert agreement.projects.count() == 1

    def test_a_renamed_non_pdf_scan_is_refused(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        api.force_authenticate(cast.dave)
        response = api.post(
            detail(agreement, "sign"),
            {"version": 1, "signed_on": TODAY, "scan": fake_pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["errors"]["scan"] == ["扫描件只能是 PDF 或图片文件。"]
        stored = Agreement.objects.get()
        assert (stored.status, stored.scan.name) == (S.CONFIRMED, "")

    def test_a_signed_item_cannot_be_edited_but_can_be_tracked(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED)
        project = agreement.projects.get()
        api.force_authenticate(cast.erin)
        edit = api.patch(f"/api/v1/agreement-projects/{project.pk}/", {"name": "改名"})
        assert edit.status_code == 400 and "变更" in edit.json()["detail"]
        track = api.post(f"/api/v1/agreement-projects/{project.pk}/track/", {"progress": 60, "status": "in_progress"})
        assert track.status_code == 200 and track.json()["progress"] == 60
        assert AgreementProjectItem.objects.get().name == "村道硬化工程"


@pytest.mark.django_db
def test_amend_reject_close_and_carry_over_through_the_api(cast, api):
    agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED, year=YEAR - 1)
    api.force_authenticate(cast.erin)
    amended = api.post(detail(agreement, "amend"), {"version": 1, "reason": "增加项目"})
    assert amended.status_code == 200 and amended.json()["amendment_no"] == 1
    revisions = api.get(detail(agreement, "revisions")).json()
    assert [r["amendment_no"] for r in revisions] == [0]
    assert revisions[0]["document"]["resources"][0]["description"] == "帮扶资金"

    api.force_authenticate(cast.dave)
    version = api.post(detail(agreement, "submit"), {"version": 2}).json()["version"]
    rejected = api.post(detail(agreement, "reject"), {"version": version, "reason": "撤回补充材料"})
    assert rejected.json()["status"] == "draft"
    assert [t["action"] for t in rejected.json()["transitions"]] == ["amend", "submit", "reject"]

    signed = make_agreement(cast.pairing_v_b1, status=S.SIGNED, year=YEAR - 1)
    api.force_authenticate(cast.alice)
    closed = api.post(detail(signed, "close"), {"version": 1, "reason": "年度结束"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    api.force_authenticate(cast.carol)
    assert api.post(detail(signed, "carry-over"), {}).status_code == 403
    assert not Agreement.objects.filter(pairing=cast.pairing_v_b1, year=YEAR).exists()


@pytest.mark.django_db
def test_carry_over_through_the_api(cast, api):
    agreement = make_agreement(cast.pairing_u_a1, status=S.CLOSED, year=YEAR - 1)
    api.force_authenticate(cast.erin)
    following = api.post(detail(agreement, "carry-over"), {"copy_demands": False})
    assert following.status_code == 201, following.content
    body = following.json()
    assert (body["year"], body["status"], body["carried_from"]) == (YEAR, "draft", agreement.pk)
    assert len(body["projects"]) == 1 and body["demands"] == []
    assert api.post(detail(agreement, "carry-over"), {}).status_code == 400


@pytest.mark.django_db
class TestQueryCounts:
    # count + rows (pairing, unit, village, township joined in): the list never goes per row.
    def test_agreement_list_is_two_queries_however_many_rows(self, cast, api):
        api.force_authenticate(cast.alice)
        make_agreement(cast.pairing_u_a1, filled=False)
        with CaptureQueriesContext(connection) as small:
            assert api.get(URL).status_code == 200
        for year in range(YEAR - 6, YEAR):
            make_agreement(cast.pairing_u_a1, year=year, filled=False)
            make_agreement(cast.pairing_v_b1, year=year, filled=False)
        with CaptureQueriesContext(connection) as large:
            assert api.get(URL).json()["count"] == 13
        assert len(small) == len(large) == 2

    # count + rows + the two link tables prefetched.
    def test_project_list_is_four_queries(self, cast, api):
        api.force_authenticate(cast.alice)
        for year in range(YEAR - 3, YEAR + 1):
            make_agreement(cast.pairing_u_a1, year=year)
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/agreement-projects/").json()["count"] == 4
        assert len(queries) == 4

    # the agreement, then the three lists, the two link tables, transitions and revisions.
    def test_agreement_detail_is_a_fixed_number_of_queries(self, cast, api):
        agreement = make_agreement(cast.pairing_u_a1)
        for _ in range(3):
            AgreementDemandItem.objects.create(agreement=agreement, category="other", description="追加需求")
        api.force_authenticate(cast.alice)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(detail(agreement)).status_code == 200
        assert len(queries) == 8
