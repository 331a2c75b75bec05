"""The half-year report workbook against the compliance board and direct queries, on the compliance
tests' constructed year; scope, formula safety, file name."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from assessment.reports.halfyear import Report
from ledgers import compliance
from ledgers.choices import ActivityStatus
from ledgers.models import ActivityParticipant, ServiceActivity
from pairing.models import AuditEvent, Export
from tests.exports import export_response, half_year_kind
from tests.ledgers.test_compliance import YEAR, build_dataset

pytestmark = pytest.mark.django_db


def _download(client, user, **params):
    params = {"year": YEAR, "half": 1, **params}
    return export_response(client, user, half_year_kind(user, params), params)


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def _body(sheet):
    return [row for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_the_county_workbook_has_every_sheet_and_agrees_with_the_compliance_board(client, cast):
    build_dataset(cast)
    book = _book(_download(client, cast.alice))
    assert book.sheetnames == list(Report.SHEETS)
    summary = book["汇总"]
    assert summary["A1"].value == f"测试县{YEAR}年上半年“双结对双帮扶”工作情况统计表"
    assert summary["A1"].font.name == "宋体" and summary.print_title_rows == "$3:$3"
    assert "填报单位：测试县" in summary["A2"].value
    headers = [c.value for c in summary[3]]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in _body(summary)}
    assert list(rows) == ["甲镇", "乙镇", "合计"]

    period = compliance.Period("half", YEAR, 1)
    board = {f.rule.code: f for f in compliance.board(cast.alice, period, datetime.date.today())}
    for name, row in rows.items():
        if name == "合计":
            continue
        figures = {code: next(t for t in board[code].townships if t.township == name) for code in board}
        assert row["结对关系"] == figures["agreements"].total
        assert row["已签协议"] == figures["agreements"].done
        assert row["城市人才"] == figures["talents"].total
        assert row["每月参加服务人才"] == figures["talents"].done
        assert row["应召开联席会议"] == figures["meetings"].total
        assert row["已召开联席会议"] == figures["meetings"].done
        if figures["agreements"].rate is not None:
            assert round(row["协议签订率"] * 100, 1) == figures["agreements"].rate

    confirmed = ServiceActivity.objects.filter(
        village__township__county=cast.county,
        date__gte=datetime.date(YEAR, 1, 1),
        date__lt=datetime.date(YEAR, 7, 1),
        status=ActivityStatus.CONFIRMED,
    )
    assert (
        rows["合计"]["服务活动（次）"]
        == confirmed.count()
        == rows["甲镇"]["服务活动（次）"] + rows["乙镇"]["服务活动（次）"]
    )
    hours = ActivityParticipant.objects.filter(activity__in=confirmed).aggregate(h=Sum("hours"))["h"]
    assert Decimal(str(rows["合计"]["服务时长（小时）"])) == hours
    assert rows["合计"]["村（社区）数"] == 3  # the other county's village is not there
    event = AuditEvent.objects.filter(action="export", object_type="pairing.export", user_id=cast.alice.pk).get()
    assert "全县半年工作情况统计表" in event.message and "行" in event.message


def test_village_detail_counts_activities_per_month(client, cast):
    build_dataset(cast)
    sheet = _book(_download(client, cast.alice))["村级明细"]
    headers = [c.value for c in sheet[3]]
    rows = {r[1]: dict(zip(headers, r, strict=True)) for r in _body(sheet)}
    for month in range(1, 7):
        expected = ServiceActivity.objects.filter(
            village=cast.village_a1, date__year=YEAR, date__month=month, status=ActivityStatus.CONFIRMED
        ).count()
        assert rows["甲一村"][f"{month}月活动"] == expected
    assert rows["甲一村"]["名誉村长"] == "王局长" and "县农业农村局" in rows["甲一村"]["结对单位"]


def test_a_township_gets_only_its_villages_and_not_another_township(client, cast):
    build_dataset(cast)
    response = _download(client, cast.bob)
    book = _book(response)
    assert [r[0] for r in _body(book["汇总"])] == ["甲镇", "合计"]
    assert {r[1] for r in _body(book["村级明细"])} == {"甲一村", "甲二村"}
    assert {r[3] for r in _body(book["人才明细"])} == {"甲镇"}
    name = f"甲镇{YEAR}年上半年双结对双帮扶工作情况统计表.xlsx"
    assert response["Content-Disposition"].endswith(f"filename*=utf-8''{quote(name)}")
    refused = _download(client, cast.bob, township=cast.township_b.pk)
    assert refused.status_code == 302 and refused["Location"] == reverse("pairing:export_list")
    assert Export.objects.filter(owner=cast.bob).count() == 1  # the first, not the refused one
    assert _download(client, cast.dave).status_code == 302 and not Export.objects.filter(owner=cast.dave).exists()


def test_the_old_get_link_builds_nothing_and_leads_to_the_export_button(client, cast):
    """No workbook is built in a GET (a county's takes seconds): the link leads to the report list,
    whose button asks the export framework; a township's is built at once and opens finished."""
    build_dataset(cast)
    client.force_login(cast.alice)
    response = client.get(reverse("reports:half_year_export"), {"year": YEAR, "half": 1})
    assert (
        response.status_code == 302 and response["Location"] == f"{reverse('ledgers:report_list')}?year={YEAR}&half=1"
    )
    assert not Export.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'name="kind" value="county_half_year"' in page and "请点击“导出”" in page
    client.force_login(cast.dave)
    assert client.get(reverse("reports:half_year_export"), {"year": YEAR, "half": 1}).status_code == 404
    client.force_login(cast.bob)
    assert client.get(reverse("reports:half_year_export"), {"township": cast.township_b.pk}).status_code == 404


def test_a_township_export_is_built_in_the_request_and_the_county_in_the_worker(client, cast, monkeypatch):
    from django.test import TestCase

    from pairing import tasks
    from pairing.choices import ExportStatus

    queued = []
    monkeypatch.setattr(tasks.build_export, "delay", queued.append)
    build_dataset(cast)
    client.force_login(cast.bob)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("pairing:export_start"),
            {"kind": "township_half_year", "year": YEAR, "half": 1, "township": cast.township_a.pk},
        )
    export = Export.objects.get(owner=cast.bob)
    assert queued == [] and export.status == ExportStatus.DONE and response["Location"] == export.get_absolute_url()
    client.force_login(cast.alice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("pairing:export_start"), {"kind": "county_half_year", "year": YEAR, "half": 1})
    export = Export.objects.get(owner=cast.alice)
    assert queued == [export.pk] and export.status == ExportStatus.PENDING


def test_a_formula_like_talent_name_stays_text(client, cast):
    build_dataset(cast)
    sheet = _book(_download(client, cast.alice))["人才明细"]
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row]
    assert any(c.value == '\'=HYPERLINK("x")' and c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for c in cells)


def test_the_township_month_workbook_has_a_ledger_sheet_per_village(client, cast):
    build_dataset(cast)
    client.force_login(cast.bob)
    response = client.get(reverse("reports:township_month", args=[cast.township_a.pk, f"{YEAR}-02"]))
    book = _book(response)
    assert book.sheetnames == ["甲一村", "甲二村"]
    assert "甲一村" in book["甲一村"]["A2"].value and book["甲二村"].print_title_rows == "$3:$3"
    assert quote(f"甲镇{YEAR}年02月工作台账.xlsx") in response["Content-Disposition"]
    other = client.get(reverse("reports:township_month", args=[cast.township_b.pk, f"{YEAR}-02"]))
    assert other.status_code == 404


def test_the_township_month_list_links_the_township_workbook(client, cast):
    client.force_login(cast.bob)
    page = client.get(reverse("ledgers:month_list"))
    link = reverse("reports:township_month", args=[cast.township_a.pk, page.context["township_months"][0][1]])
    assert link in page.content.decode()
    assert client.get(link).status_code == 200
