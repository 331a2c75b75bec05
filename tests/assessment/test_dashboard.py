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
