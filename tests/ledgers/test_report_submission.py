"""The township's half-year report: a generated narrative draft, the workbook frozen at submission,
and the county's view of who has reported."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledgers.models import TownshipHalfYearReport
from ledgers.services import reports as report_service
from tests.exports import export_response
from tests.ledgers.test_compliance import YEAR, _activity, build_dataset

pytestmark = pytest.mark.django_db


def _edit_url(cast):
    return reverse("ledgers:report_edit", args=[cast.township_a.pk, YEAR, 1])


def test_the_draft_states_the_boards_figures_and_names_who_is_behind(client, cast):
    build_dataset(cast)
    client.force_login(cast.bob)
    text = client.get(_edit_url(cast)).context["form"].initial["summary"]
    assert text.startswith(f"甲镇{YEAR}年上半年")
    assert "城市人才每月至少参加1次服务活动：应达标" in text
    # The formula-like talent in 甲二村 never served in a month of H1: named with its months.
    assert '甲二村·=HYPERLINK("x")' in text and "乙一村" not in text


def test_submitting_freezes_the_workbook_as_submitted(client, cast):
    build_dataset(cast)
    TownshipHalfYearReport.objects.filter(township=cast.township_a).delete()  # the dataset's, already submitted
    client.force_login(cast.bob)
    client.post(_edit_url(cast), {"summary": "本半年工作总结。"})
    report = TownshipHalfYearReport.objects.get(township=cast.township_a, year=YEAR, half=1)
    response = client.post(reverse("ledgers:report_submit", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.workbook and report.workbook_name.startswith("甲镇")
    frozen = client.get(reverse("ledgers:report_workbook", args=[report.pk]))
    assert frozen.status_code == 200
    summary = load_workbook(io.BytesIO(frozen.content))["汇总"]
    assert summary["A1"].value.startswith(f"甲镇{YEAR}年上半年")
    before = [r for r in summary.iter_rows(min_row=4, values_only=True)]

    # A correction after submission changes the live workbook but not the submitted one.
    _activity(cast.village_a1, datetime.date(YEAR, 4, 3), talents=[cast.talent_t])
    again = load_workbook(io.BytesIO(client.get(reverse("ledgers:report_workbook", args=[report.pk])).content))
    assert [r for r in again["汇总"].iter_rows(min_row=4, values_only=True)] == before
    live = export_response(client, cast.bob, "township_half_year", {"year": YEAR, "half": 1})
    live_rows = list(load_workbook(io.BytesIO(live.content))["汇总"].iter_rows(min_row=4, values_only=True))
    assert live_rows != before

    # Another township's officer cannot fetch it; the county can, and sees who is missing.
    client.force_login(cast.carol)
    assert client.get(reverse("ledgers:report_workbook", args=[report.pk])).status_code == 404
    client.force_login(cast.alice)
    assert client.get(reverse("ledgers:report_workbook", args=[report.pk])).status_code == 200
    page = client.get(reverse("ledgers:report_list") + f"?year={YEAR}&half=1")
    assert [t.name for t in page.context["missing"]] == ["乙镇"]
    assert "尚未报送（1 个）：乙镇" in page.content.decode()


def test_without_a_builder_submission_still_works(cast, monkeypatch):
    monkeypatch.setattr(report_service, "_workbook_builder", None)
    build_dataset(cast)
    report = report_service.save_report(actor=cast.bob, township=cast.township_a, year=YEAR, half=2, summary="总结")
    report = report_service.submit_report(actor=cast.bob, report=report)
    assert report.is_submitted and not report.workbook
