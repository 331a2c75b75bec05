"""Agreement pages with the test client: journey, refusals, scope, overview counts, print, queries."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pairing.choices import AgreementStatus, ExportStatus
from pairing.models import Agreement, Export, Pairing, Village
from pairing.queries import annotated_pairings
from tests.pairing.test_agreements_support import YEAR, fake_pdf_upload, fill_lists, make_agreement, pdf_upload

S = AgreementStatus
TODAY = timezone.localdate().isoformat()  # the Shanghai day, as the rules see it
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def url(name, *args):
    return reverse(f"pairing:{name}", args=args)


@pytest.mark.django_db
def test_a_secretary_and_a_liaison_take_an_agreement_from_draft_to_signed_in_the_browser(cast):
    dave, erin = client_for(cast.dave), client_for(cast.erin)
    overview = dave.get(url("agreement_overview"))
    assert "起草" in overview.content.decode()
    created = dave.post(url("agreement_create"), {"pairing": cast.pairing_u_a1.pk, "year": YEAR}, follow=True)
    agreement = Agreement.objects.get()
    assert created.redirect_chain[-1][0] == agreement.get_absolute_url()
    assert "已起草协议" in page_messages(created)[0]

    response = dave.post(
        url("agreement_item_add", agreement.pk, "demand"),
        {
            "category": "livelihood",
            "description": "修建村卫生室",
            "priority": "high",
            "status": "open",
            "agreement_version": 1,
        },
        follow=True,
    )
    assert page_messages(response) == ["已保存。"]
    erin.post(
        url("agreement_item_add", agreement.pk, "resource"),
        {
            "kind": "materials",
            "description": "医疗设备",
            "amount": "3",
            "unit_of_measure": "台",
            "agreement_version": 2,
        },
        follow=True,
    )
    demand, resource = agreement.demands.get(), agreement.resources.get()
    response = erin.post(
        url("agreement_item_add", agreement.pk, "project"),
        {
            "name": "卫生室建设",
            "content": "建设标准化村卫生室",
            "demands": [demand.pk],
            "resources": [resource.pk],
            "planned_investment": "8.5",
            "unit_owner": "王局长",
            "village_owner": "李书记",
            "start_date": f"{YEAR}-03-01",
            "end_date": f"{YEAR}-09-30",
            "progress": 0,
            "status": "planned",
            "agreement_version": 3,
        },
        follow=True,
    )
    assert page_messages(response) == ["已保存。"], response.content.decode()[:500]
    agreement.refresh_from_db()
    assert agreement.version == 4

    page = dave.get(agreement.get_absolute_url()).content.decode()
    assert "提交给结对单位确认" in page and "卫生室建设" in page and "需求1" in page
    dave.post(url("agreement_submit", agreement.pk), {"version": 4})
    assert "确认协议和清单" in erin.get(agreement.get_absolute_url()).content.decode()
    erin.post(url("agreement_confirm", agreement.pk), {"version": 5})
    signed = erin.post(
        url("agreement_sign", agreement.pk),
        {
            "version": 6,
            "signed_on": TODAY,
            "unit_signatory": "王局长",
            "village_signatory": "李书记",
            "scan": pdf_upload(),
        },
        follow=True,
    )
    assert page_messages(signed)[-1] == "已登记签署，协议生效。"
    agreement.refresh_from_db()
    assert agreement.status == S.SIGNED and agreement.scan
    assert [t.action for t in agreement.transitions.all()] == ["create", "submit", "confirm", "sign"]
    assert erin.get(url("agreement_scan", agreement.pk))["Content-Type"] == "application/pdf"


@pytest.mark.django_db
class TestRefusalsOnPages:
    def test_a_stale_page_shows_a_chinese_message_and_changes_nothing(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        erin, dave = client_for(cast.erin), client_for(cast.dave)
        erin.post(url("agreement_terms", agreement.pk), {"version": 1, "terms": "单位改过的条款"})
        response = dave.post(url("agreement_submit", agreement.pk), {"version": 1}, follow=True)
        assert page_messages(response) == ["该协议已被他人修改，请刷新页面后重试。"]
        stored = Agreement.objects.get()
        assert (stored.status, stored.version, stored.terms) == (S.DRAFT, 2, "单位改过的条款")

    def test_a_stale_item_edit_is_refused_too(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        Agreement.objects.filter(pk=agreement.pk).update(version=5)
        item = agreement.demands.get()
        response = client_for(cast.dave).post(
            url("agreement_item_edit", agreement.pk, "demand", item.pk),
            {"category": "other", "description": "改过", "priority": "low", "status": "open", "agreement_version": 1},
            follow=True,
        )
        assert page_messages(response) == ["该协议已被他人修改，请刷新页面后重试。"]
        assert agreement.demands.get().description == "村道硬化"

    def test_the_wrong_role_gets_a_chinese_message(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        response = client_for(cast.erin).post(url("agreement_submit", agreement.pk), {"version": 1}, follow=True)
        assert page_messages(response) == ["只有村党组织书记/村务专干可以提交协议。"]
        assert Agreement.objects.get().status == S.DRAFT

    def test_the_wrong_state_and_an_empty_list_are_explained(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED, filled=False)
        erin = client_for(cast.erin)
        response = erin.post(url("agreement_confirm", agreement.pk), {"version": 1}, follow=True)
        assert "协议当前状态为“单位已确认”，不能确认协议" in page_messages(response)[0]
        response = erin.post(
            url("agreement_sign", agreement.pk),
            {"version": 1, "signed_on": TODAY, "unit_signatory": "王", "village_signatory": "李", "scan": pdf_upload()},
            follow=True,
        )
        assert "资源清单、需求清单、结对共建项目清单为空" in page_messages(response)[0]
        assert Agreement.objects.get().status == S.CONFIRMED

    def test_a_renamed_non_pdf_scan_is_refused(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        response = client_for(cast.dave).post(
            url("agreement_sign", agreement.pk),
            {
                "version": 1,
                "signed_on": TODAY,
                "unit_signatory": "王",
                "village_signatory": "李",
                "scan": fake_pdf_upload(),
            },
        )
        # The signing form comes back with the refusal at its field, not as a banner.
        assert response.status_code == 400
        assert response.context["action_forms"]["sign"].errors["scan"] == ["扫描件只能是 PDF 或图片文件。"]
        assert "扫描件只能是 PDF 或图片文件。" in response.content.decode()
        assert Agreement.objects.get().status == S.CONFIRMED

    def test_project_dates_outside_the_year_come_back_on_the_form(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        response = client_for(cast.dave).post(
            url("agreement_item_add", agreement.pk, "project"),
            {
                "name": "跨年项目",
                "planned_investment": "1",
                "unit_owner": "王",
                "village_owner": "李",
                "start_date": f"{YEAR}-12-01",
                "end_date": f"{YEAR + 1}-01-31",
                "progress": 0,
                "status": "planned",
                "agreement_version": 1,
            },
        )
        assert response.status_code == 400
        assert "项目起止日期须在协议年度" in response.content.decode()
        assert agreement.projects.count() == 1

    def test_a_duplicate_year_is_refused_from_the_overview(self, cast):
        make_agreement(cast.pairing_u_a1, filled=False)
        response = client_for(cast.dave).post(
            url("agreement_create"), {"pairing": cast.pairing_u_a1.pk, "year": YEAR}, follow=True
        )
        assert "每个结对关系每年只能签订一份协议" in page_messages(response)[0]
        assert Agreement.objects.count() == 1

    def test_signed_lists_have_no_edit_buttons_and_amendment_keeps_the_old_version(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.CONFIRMED)
        erin = client_for(cast.erin)
        erin.post(
            url("agreement_sign", agreement.pk),
            {
                "version": 1,
                "signed_on": TODAY,
                "unit_signatory": "王局长",
                "village_signatory": "李书记",
                "scan": pdf_upload(),
            },
        )
        page = erin.get(agreement.get_absolute_url()).content.decode()
        assert "新增资源" not in page and "变更协议" in page
        erin.post(url("agreement_amend", agreement.pk), {"version": 2, "reason": "增加资金"})
        item = agreement.resources.get()
        erin.post(
            url("agreement_item_edit", agreement.pk, "resource", item.pk),
            {
                "kind": "funds",
                "description": "帮扶资金（增加）",
                "amount": "8",
                "unit_of_measure": "万元",
                "agreement_version": 3,
            },
        )
        old = erin.get(url("agreement_revision", agreement.pk, 0)).content.decode()
        assert "原始签署版" in old and "帮扶资金<" in old and "帮扶资金（增加）" not in old
        current = erin.get(url("agreement_print", agreement.pk)).content.decode()
        assert "帮扶资金（增加）" in current and "第1次变更" in current
        assert erin.get(url("agreement_revision_scan", agreement.pk, 0)).status_code == 200


@pytest.mark.django_db
class TestScopeOnPages:
    @pytest.fixture
    def agreements(self, cast):
        return [make_agreement(cast.pairing_u_a1, status=S.SIGNED), make_agreement(cast.pairing_v_b1)]

    @pytest.mark.parametrize("username", USERS)
    def test_the_overview_lists_exactly_the_visible_pairings(self, cast, agreements, username):
        user = getattr(cast, username)
        response = client_for(user).get(url("agreement_overview"))
        assert response.status_code == 200
        expected = Pairing.objects.visible_to(user).filter(start_year__lte=YEAR).count()
        assert response.context["page_obj"].paginator.count == expected
        assert response.context["totals"]["total"] == expected

    @pytest.mark.parametrize("username", USERS)
    def test_agreement_pages_are_404_out_of_scope(self, cast, agreements, username):
        user = getattr(cast, username)
        client = client_for(user)
        visible = set(Agreement.objects.visible_to(user).values_list("pk", flat=True))
        for agreement in agreements:
            for name in ("agreement_detail", "agreement_print", "agreement_scan"):
                status = client.get(url(name, agreement.pk)).status_code
                if agreement.pk not in visible:
                    assert status == 404, (name, username)
                elif name != "agreement_scan":
                    assert status == 200, (name, username)
            if agreement.pk not in visible:
                response = client.post(url("agreement_amend", agreement.pk), {"version": 1, "reason": "x"})
                assert response.status_code == 404

    def test_the_overview_filter_refuses_an_out_of_scope_township(self, cast, agreements):
        response = client_for(cast.bob).get(url("agreement_overview"), {"township": cast.township_b.pk})
        assert "不在您的管理范围内" in response.content.decode()


@pytest.mark.django_db
class TestOverview:
    @pytest.fixture
    def county(self, cast):
        """Twelve more pairings in township A and eight in B, agreements in every state."""
        pairings = []
        for i in range(20):
            township = cast.township_a if i < 12 else cast.township_b
            village = Village.objects.create(township=township, name=f"新村{i}", code=f"{township.code}3{i:02d}")
            pairings.append(Pairing.objects.create(unit=cast.unit_u, village=village, start_year=YEAR))
        states = [*S.values, None]
        for i, pairing in enumerate(pairings):
            if states[i % len(states)]:
                make_agreement(pairing, status=states[i % len(states)], filled=False)
        make_agreement(pairings[0], status=S.SIGNED, year=YEAR - 1, filled=False)  # other years don't count
        return pairings

    def test_counts_equal_a_direct_count(self, cast, county):
        response = client_for(cast.alice).get(url("agreement_overview"), {"year": YEAR})
        for row in response.context["summary"]:
            pairings = Pairing.objects.filter(village__township_id=row["id"], start_year__lte=YEAR)
            assert row["total"] == pairings.count()
            for cell in row["cells"]:
                agreements = Agreement.objects.filter(pairing__in=pairings, year=YEAR)
                if cell["status"] == "none":
                    direct = pairings.exclude(agreements__year=YEAR).count()
                else:
                    direct = agreements.filter(status=cell["status"]).count()
                assert cell["n"] == direct, (row["name"], cell)
            signed = Agreement.objects.filter(pairing__in=pairings, year=YEAR, status__in=["signed", "closed"])
            assert row["signed"] == signed.count()
        totals = response.context["totals"]
        assert totals["total"] == 22
        assert totals["signed_pct"] == f"{totals['signed'] * 100 / 22:.1f}%"

    def test_filters_by_township_and_status(self, cast, county):
        client = client_for(cast.alice)
        response = client.get(url("agreement_overview"), {"township": cast.township_b.pk, "status": "none"})
        rows = list(response.context["page_obj"])
        assert rows and all(p.village.township_id == cast.township_b.pk for p in rows)
        assert all(p.agreement_status == "none" for p in rows)
        expected = annotated_pairings(cast.alice, YEAR).filter(
            village__township=cast.township_b, agreement_status="none"
        )
        assert len(rows) == expected.count()

    def test_a_township_officer_sees_only_their_township(self, cast, county):
        response = client_for(cast.bob).get(url("agreement_overview"))
        assert [row["name"] for row in response.context["summary"]] == ["甲镇"]
        assert response.context["totals"]["total"] == 13

    # session + user + summary group-by + page count + page rows + township choices, then the
    # session save (update wrapped in a savepoint): nine, however many pairings there are.
    def test_the_overview_runs_a_fixed_number_of_queries(self, cast, county):
        client = client_for(cast.alice)
        client.get(url("agreement_overview"))
        with CaptureQueriesContext(connection) as queries:
            client.get(url("agreement_overview"))
        before = len(queries)
        for i in range(5):
            village = Village.objects.create(township=cast.township_a, name=f"再添村{i}", code=f"34112210040{i}")
            make_agreement(Pairing.objects.create(unit=cast.unit_v, village=village, start_year=YEAR), filled=False)
        with CaptureQueriesContext(connection) as queries:
            client.get(url("agreement_overview"))
        assert len(queries) == before == 10  # 9 and the navbar's unread count

    def test_the_export_has_the_pages_rows_and_figures(self, cast, county, django_capture_on_commit_callbacks):
        """Every row the filter shows (not just the page's 50), the summary by township with 合计,
        through the export framework, and a township officer's file has only its township."""
        for user, params in (
            (cast.alice, {"year": YEAR}),
            (cast.alice, {"year": YEAR, "township": cast.township_b.pk, "status": "none"}),
            (cast.alice, {"year": YEAR, "q": "新村1"}),
            (cast.bob, {}),
        ):
            client = client_for(user)
            page = client.get(url("agreement_overview"), params)
            assert 'name="kind" value="agreement_overview"' in page.content.decode()
            screen = [
                (p.village.township.name, p.village.name, p.unit.name, p.agreement_status_label)
                for n in page.context["page_obj"].paginator.page_range
                for p in client.get(url("agreement_overview"), {**params, "page": n}).context["page_obj"]
            ]
            with django_capture_on_commit_callbacks(execute=True):
                client.post(url("export_start"), {"kind": "agreement_overview", **params})
            export = Export.objects.filter(owner=user).latest("pk")
            assert export.status == ExportStatus.DONE, export.error
            book = load_workbook(io.BytesIO(client.get(url("export_download", export.pk)).content))
            rows = [r[1:] for r in book["结对关系明细"].iter_rows(min_row=4, values_only=True)]
            assert rows == screen and export.rows == len(screen)
            summary = list(book["按乡镇统计"].iter_rows(min_row=4, values_only=True))
            assert [r[0] for r in summary] == [*(row["name"] for row in page.context["summary"]), "合计"]
            assert summary[-1][1] == page.context["totals"]["total"]
            assert summary[-1][-1] == page.context["totals"]["signed_pct"]
            assert book["按乡镇统计"]["A1"].value == f"{YEAR}年度“三清单一协议”签订进度"
        assert {r[0] for r in rows} == {"甲镇"}  # bob's file

    def test_the_export_refuses_another_townships_filter(self, cast, county):
        response = client_for(cast.bob).post(
            url("export_start"), {"kind": "agreement_overview", "township": cast.township_b.pk}
        )
        assert response.status_code == 302 and not Export.objects.filter(owner=cast.bob).exists()


@pytest.mark.django_db
class TestAgreementPage:
    def test_the_page_runs_a_fixed_number_of_queries(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        client = client_for(cast.dave)
        client.get(agreement.get_absolute_url())
        with CaptureQueriesContext(connection) as small:
            client.get(agreement.get_absolute_url())
        for _ in range(4):
            fill_lists(agreement)
        with CaptureQueriesContext(connection) as large:
            client.get(agreement.get_absolute_url())
        assert len(small) == len(large)

    def test_inline_edit_opens_the_row_as_a_form(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        item = agreement.resources.get()
        page = client_for(cast.erin).get(f"{agreement.get_absolute_url()}?edit=resource-{item.pk}").content.decode()
        assert re.search(rf'action="{url("agreement_item_edit", agreement.pk, "resource", item.pk)}"', page)
        assert 'name="agreement_version" value="1"' in page

    def test_a_talent_reads_but_sees_no_buttons(self, cast):
        agreement = make_agreement(cast.pairing_u_a1)
        page = client_for(cast.frank).get(agreement.get_absolute_url()).content.decode()
        assert "村道硬化工程" in page and "新增资源" not in page and "办理" not in page

    def test_the_print_view_has_the_official_parts(self, cast):
        agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED, unit_signatory="王局长")
        page = client_for(cast.alice).get(url("agreement_print", agreement.pk)).content.decode()
        for part in (
            "党建结对共建协议",
            "甲方：",
            "乙方：甲一村村党支部",
            "附件一：县直单位资源清单",
            "附件二：村党组织需求清单",
            "附件三：结对共建项目清单",
            "名誉村长（签字）：王局长",
            "村党组织书记（签字）",
            "@page { size: A4",
            "@media print",
        ):
            assert part in page, part


@pytest.mark.django_db
def test_a_missing_scan_file_is_404_not_an_error(cast):
    agreement = make_agreement(cast.pairing_u_a1, status=S.SIGNED, scan="agreement-scans/gone.pdf")
    assert client_for(cast.dave).get(url("agreement_scan", agreement.pk)).status_code == 404


@pytest.mark.django_db
def test_a_city_wide_user_sees_the_counties_first_and_drills_into_one(cast):
    """A city has 150 townships: the overview sums by county until one is chosen, then by township."""
    from pairing.models import County, Township
    from tests.factories import make_user
    from tests.otp import verify_session

    other = County.objects.create(name="乙县", code="341199")
    township = Township.objects.create(county=other, name="乙县镇", code="341199100")
    village = Village.objects.create(township=township, name="乙县村", code="341199100201")
    Pairing.objects.create(unit=cast.unit_u, village=village, start_year=YEAR)
    client = Client()
    verify_session(client, make_user("cityroot", "", is_superuser=True))
    page = client.get(url("agreement_overview"), {"year": YEAR})
    names = [row["name"] for row in page.context["summary"]]
    assert page.context["summary_by"] == "county" and "乙县" in names and cast.township_a.name not in names
    assert f'data-county="{other.pk}"' in page.content.decode()
    drilled = client.get(url("agreement_overview"), {"year": YEAR, "county": other.pk})
    assert drilled.context["summary_by"] == "township"
    assert [row["name"] for row in drilled.context["summary"]] == ["乙县镇"]
    assert [p.village_id for p in drilled.context["page_obj"]] == [village.pk]
    # A county admin has no county filter and keeps the township summary.
    county_page = client_for(cast.alice).get(url("agreement_overview"), {"year": YEAR})
    assert county_page.context["summary_by"] == "township" and "county" not in county_page.context["form"].fields


@pytest.mark.django_db
def test_a_city_wide_users_overview_export_sums_by_county_as_the_page(cast, django_capture_on_commit_callbacks):
    from pairing.models import County, Township
    from tests.factories import make_user
    from tests.otp import verify_session

    other = County.objects.create(name="乙县", code="341199")
    township = Township.objects.create(county=other, name="乙县镇", code="341199100")
    village = Village.objects.create(township=township, name="乙县村", code="341199100201")
    Pairing.objects.create(unit=cast.unit_u, village=village, start_year=YEAR)
    client = Client()
    root = make_user("cityroot", "", is_superuser=True)
    verify_session(client, root)
    page = client.get(url("agreement_overview"), {"year": YEAR})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("export_start"), {"kind": "agreement_overview", "year": YEAR})
    export = Export.objects.get(owner=root)
    book = load_workbook(io.BytesIO(client.get(url("export_download", export.pk)).content))
    summary = list(book["按县（区）统计"].iter_rows(min_row=3, values_only=True))
    assert summary[0][0] == "县（区）"
    assert [r[0] for r in summary[1:]] == [*(row["name"] for row in page.context["summary"]), "合计"]
    assert export.rows == page.context["page_obj"].paginator.count
