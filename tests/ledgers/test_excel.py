"""The month ledger as an Excel document: rows and totals equal the database; formula-safe text."""

import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from ledgers.choices import ActivityStatus
from ledgers.exports import HEADER_ROW
from ledgers.models import ActivityParticipant, ServiceActivity
from ledgers.periods import format_month, month_start
from pairing.core.excel import safe_text
from pairing.models import AuditEvent

from .helpers import record, today

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("普通文字", "普通文字"),
        ("a\x00b\x07c", "abc"),
        (None, ""),
    ],
)
def test_safe_text_keeps_user_strings_as_text(raw, expected):
    assert safe_text(raw) == expected


def _export(client, user, village):
    client.force_login(user)
    url = reverse("ledgers:month_export", args=[village.pk, format_month(month_start(today()))])
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_the_excel_ledger_rows_and_totals_equal_the_database(cast, client):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u], hours="2.5", beneficiaries=8)
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="1", beneficiaries=20, title="政策宣讲")
    record(cast.frank, cast.village_a1, talents=[cast.talent_t], hours="6", beneficiaries=50)  # pending: excluded
    sheet = _export(client, cast.bob, cast.village_a1)

    assert "双结对双帮扶" in sheet["A1"].value
    assert "甲一村" in sheet["A2"].value and "甲镇" in sheet["A2"].value
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[1:9] == [
        "日期",
        "城市人才",
        "所在单位",
        "活动类型",
        "活动内容",
        "服务时长（小时）",
        "受益群众（人次）",
        "确认情况",
    ]
    body = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] == "合计":
            totals = row
            break
        body.append(row)
    confirmed = ServiceActivity.objects.filter(village=cast.village_a1, status=ActivityStatus.CONFIRMED)
    participants = ActivityParticipant.objects.filter(activity__in=confirmed)
    assert len(body) == participants.count() == 3
    assert Decimal(str(sum(r[6] for r in body))) == participants.aggregate(h=Sum("hours"))["h"] == Decimal("6")
    assert sum(r[7] or 0 for r in body) == confirmed.aggregate(b=Sum("beneficiaries"))["b"] == 28
    assert Decimal(str(totals[6])) == Decimal("6") and totals[7] == 28
    assert "共 2 次活动" in totals[5]
    assert {r[2] for r in body} == {"张三", "（单位集体参与）"}
    assert all(r[8].startswith("已确认") for r in body)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    assert sheet["B4"].font.name == "仿宋" and sheet["A1"].font.name == "宋体"
    assert AuditEvent.objects.filter(action="export", username="bob").count() == 1


def test_user_text_in_the_excel_ledger_is_never_a_formula(cast, client):
    record(
        cast.dave,
        cast.village_a1,
        talents=[cast.talent_t],
        title='=HYPERLINK("http://evil","x")',
        content="@cmd\x01",
    )
    sheet = _export(client, cast.dave, cast.village_a1)
    cell = sheet.cell(row=HEADER_ROW + 1, column=6)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK") and "\x01" not in cell.value
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f"


def test_the_print_view_has_the_same_rows(cast, client):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], title="环境整治")
    client.force_login(cast.dave)
    url = reverse("ledgers:month_print", args=[cast.village_a1.pk, format_month(month_start(today()))])
    page = client.get(url).content.decode()
    assert "环境整治" in page and "A4 landscape" in page and "合计" in page
