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
from pairing.models import AuditEvent
from tests.ledgers.test_compliance import YEAR, build_dataset

pytestmark = pytest.mark.django_db


def _download(client, user, **params):
    client.force_login(user)
    query = "&".join(f"{k}={v}" for k, v in {"year": YEAR, "half": 1, **params}.items())
    return client.get(reverse("reports:half_year_export") + "?" + query)


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
    assert AuditEvent.objects.filter(action="export", object_type="assessment.halfyear", user_id=cast.alice.pk).exists()


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
    assert _download(client, cast.bob, township=cast.township_b.pk).status_code == 404
    assert _download(client, cast.dave).status_code == 404


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
