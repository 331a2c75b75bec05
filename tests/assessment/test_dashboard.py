"""The dashboard: each chart's figures against direct queries, as a table and as Excel; scope; ECharts
loaded only here."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ledgers import compliance
from ledgers.choices import ActivityStatus
from ledgers.models import ServiceActivity
from ledgers.periods import half_of
from tests.ledgers.helpers import record

pytestmark = pytest.mark.django_db


def test_the_county_dashboard_has_every_chart_with_its_figures(client, cast):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="2")
    ServiceActivity.objects.update(status=ActivityStatus.CONFIRMED)
    client.force_login(cast.alice)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and html.count("data-chart=") == 6
    charts = {item["chart"].code: item["chart"] for item in page.context["items"]}
    trend = charts["activity_trend"]
    assert (
        trend.series[0]["data"][-1]
        == ServiceActivity.objects.filter(
            date__month=timezone.localdate().month, status=ActivityStatus.CONFIRMED
        ).count()
    )
    today = timezone.localdate()
    meetings = compliance.rule_figures(
        cast.alice, compliance.RULES["meetings"], compliance.Period("half", today.year, half_of(today)), today
    )
    assert charts["meetings"].series[1]["data"] == [t.total for t in meetings.townships]
    assert charts["meetings"].categories == ["甲镇", "乙镇"]


def test_a_chart_downloads_as_excel_and_the_township_sees_its_own(client, cast):
    client.force_login(cast.bob)
    page = client.get(reverse("reports:dashboard"))
    assert {item["chart"].code: item["chart"] for item in page.context["items"]}["meetings"].categories == ["甲镇"]
    response = client.get(reverse("reports:dashboard_excel", args=["meetings"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "本半年联席会议召开情况" and [c.value for c in sheet[3]] == ["项目", "甲镇"]
    client.force_login(cast.dave)
    assert client.get(reverse("reports:dashboard")).status_code == 404


def test_echarts_is_not_loaded_elsewhere(client, cast):
    client.force_login(cast.alice)
    assert "echarts" not in client.get(reverse("pairing:home")).content.decode()


def test_the_share_of_talents_active_per_township_and_month_is_a_direct_count(client, cast):
    from pairing.models import TalentAssignment

    today = timezone.localdate()
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="2")
    client.force_login(cast.alice)
    charts = {item["chart"].code: item["chart"] for item in client.get(reverse("reports:dashboard")).context["items"]}
    chart = charts["talents_active"]
    by_name = {s["name"]: s["data"] for s in chart.series}
    for township in (cast.township_a, cast.township_b):
        assigned = TalentAssignment.objects.filter(year=today.year, village__township=township)
        if not assigned.exists():
            assert township.name not in by_name
            continue
        served = (
            ServiceActivity.objects.filter(
                status=ActivityStatus.CONFIRMED,
                date__year=today.year,
                date__month=today.month,
                participants__talent__in=assigned.values("talent"),
            )
            .values("participants__talent")
            .distinct()
            .count()
        )
        assert by_name[township.name][-1] == round(100 * served / assigned.count(), 1)
    assert by_name[cast.township_a.name][-1] > 0


def test_each_chart_is_found_by_its_code_alone():
    from assessment import dashboard

    today = timezone.localdate()
    built = {c.code: c for c in (build(None, today) for build in dashboard.CHARTS)}
    assert set(built) | {"score_distribution"} == set(dashboard.BY_CODE)


def test_a_city_wide_dashboard_goes_by_county_and_drills_into_one(client, cast):
    """A superuser over several counties sees one category per county (150 townships are not a
    chart); a county's link draws its townships, and that chart's Excel keeps the county."""
    from pairing.models import County, TalentAssignment, Township, UrbanTalent, Village
    from tests.factories import make_user
    from tests.otp import verify_session

    other = County.objects.create(name="乙县", code="341199")
    township = Township.objects.create(county=other, name="乙县镇", code="341199100")
    village = Village.objects.create(township=township, name="乙县村", code="341199100201")
    talent = UrbanTalent.objects.create(county=other, name="乙县人才", phone="13900139099")
    TalentAssignment.objects.create(talent=talent, village=village, year=timezone.localdate().year)
    verify_session(client, make_user("cityroot", "", is_superuser=True))
    page = client.get(reverse("reports:dashboard"))
    charts = {item["chart"].code: item["chart"] for item in page.context["items"]}
    assert charts["talents_active"].title.endswith("（按县区）")
    names = {s["name"] for s in charts["talents_active"].series}
    assert {cast.township_a.county.name, "乙县"} <= names and cast.township_a.name not in names
    assert f"?county={other.pk}" in page.content.decode() and "全市“双结对双帮扶”工作看板" in page.content.decode()

    drilled = client.get(reverse("reports:dashboard"), {"county": other.pk})
    charts = {item["chart"].code: item["chart"] for item in drilled.context["items"]}
    assert [s["name"] for s in charts["talents_active"].series] == ["乙县镇"]
    excel = client.get(reverse("reports:dashboard_excel", args=["talents_active"]), {"county": other.pk})
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == ["乙县镇"]
    assert "乙县" in excel["Content-Disposition"] or "%E4%B9%99%E5%8E%BF" in excel["Content-Disposition"]


def test_a_county_admin_cannot_draw_another_county_by_its_id(client, cast):
    from pairing.models import County

    other = County.objects.create(name="乙县", code="341199")
    client.force_login(cast.alice)
    page = client.get(reverse("reports:dashboard"), {"county": other.pk})
    charts = {item["chart"].code: item["chart"] for item in page.context["items"]}
    assert charts["meetings"].categories == ["甲镇", "乙镇"] and "乙县" not in page.content.decode()
