"""The shared government-table style: what every exported workbook looks like and is named."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledgers.periods import format_month, month_start
from pairing.core.workbooks import Column, GovSheet, attachment, display_width, new_workbook, to_bytes
from tests.ledgers.helpers import today


def _sample(rows):
    book = new_workbook()
    sheet = GovSheet(
        book,
        "汇总",
        title="东岳镇2026年上半年“双结对双帮扶”工作情况统计表",
        subtitle="填报单位：东岳镇",
        columns=[
            Column("村（社区）"),
            Column("签订率", "percent"),
            Column("投资（万元）", "wan"),
            Column("次数", "int"),
        ],
    )
    sheet.rows(rows)
    sheet.row(("合计", 0.5, 12.5, 3), total=True)
    return load_workbook(io.BytesIO(to_bytes(book)))["汇总"]


def test_title_unit_line_header_and_print_settings():
    sheet = _sample([("范坝村", 0.5, 12.5, 3)])
    assert "A1:D1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "A2:D2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].font.name == "宋体" and sheet["A1"].font.b and sheet["A1"].font.sz == 18
    assert sheet["A2"].font.name == "仿宋"
    assert [c.value for c in sheet[3]] == ["村（社区）", "签订率", "投资（万元）", "次数"]
    assert sheet["A3"].font.b and sheet["A3"].border.left.style == "thin"
    assert sheet["A4"].font.name == "仿宋" and sheet["A4"].border.bottom.style == "thin"
    assert sheet["B4"].number_format == "0.0%" and sheet["C4"].number_format == "#,##0.00"
    assert sheet["A5"].value == "合计" and sheet["A5"].font.b
    assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in sheet.oddFooter.center.text
    # Chinese headers get room: a CJK character takes two columns.
    assert sheet.column_dimensions["C"].width >= display_width("投资（万元）") / 2


def test_user_strings_stay_text_even_in_numeric_columns():
    sheet = _sample([("=1+1", None, None, "@SUM(A1)")])
    assert sheet["A4"].value == "'=1+1" and sheet["A4"].data_type == "s"
    assert sheet["D4"].value == "'@SUM(A1)" and sheet["D4"].data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_body_text_survives_the_fast_row_writer_as_typed():
    """Body rows are written as escaped XML (GovSheet.row): markup, CR/LF, surrounding spaces, dates,
    empty and None cells come back as they went in, each cell with its column's border and format."""
    import datetime

    book = new_workbook()
    sheet = GovSheet(
        book,
        "明细",
        title="标题",
        subtitle="单位",
        columns=[Column("内容", wrap_left=True), Column("日期", "date"), Column("时长", "hours"), Column("备注")],
    )
    sheet.row(('<b>"甲&乙"</b>', datetime.date(2026, 3, 1), 2.5, "  前后有空格  "))
    sheet.row(("第一行\r\n第二行", None, float("nan"), ""))
    read = load_workbook(io.BytesIO(to_bytes(book)))["明细"]
    assert read["A4"].value == '<b>"甲&乙"</b>' and read["A4"].alignment.horizontal == "left"
    assert read["B4"].value == datetime.datetime(2026, 3, 1) and read["B4"].number_format == "yyyy-mm-dd"
    assert read["C4"].value == 2.5 and read["C4"].number_format == "0.0"
    assert read["D4"].value == "  前后有空格  "
    assert read["A5"].value == "第一行\r\n第二行"
    assert read["B5"].value is None and read["B5"].border.left.style == "thin"
    assert read["C5"].value is None  # NaN: no value, as openpyxl writes it
    assert read["D5"].value in (None, "") and read["D5"].border.bottom.style == "thin"
    assert read["A4"].font.name == "仿宋" and read.max_row == 5


def test_attachment_names_a_chinese_file_per_rfc_5987():
    name = "东岳镇范坝村2026年11月工作台账.xlsx"
    assert attachment(name) == f"attachment; filename=\"download.xlsx\"; filename*=utf-8''{quote(name)}"
    assert attachment("plain.xlsx") == 'attachment; filename="plain.xlsx"'
    assert "/" not in attachment("../甲/乙.xlsx").split("''")[1].replace("%2F", "/")


@pytest.mark.django_db
def test_the_month_ledger_and_compliance_list_download_under_chinese_names(client, cast):
    client.force_login(cast.bob)
    month = format_month(month_start(today()))
    response = client.get(reverse("ledgers:month_export", args=[cast.village_a1.pk, month]))
    expected = f"甲镇甲一村{today():%Y年%m月}工作台账.xlsx"
    assert response["Content-Disposition"].endswith(f"filename*=utf-8''{quote(expected)}")
    client.force_login(cast.alice)
    response = client.get(reverse("ledgers:compliance_export", args=["talents"]) + f"?period={today():%Y-%m}")
    disposition = response["Content-Disposition"]
    assert quote("城市人才未参加服务名单.xlsx") in disposition and quote(cast.county.name) in disposition
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].font.name == "宋体" and sheet.print_title_rows == "$3:$3"
    assert [c.value for c in sheet[3]][:2] == ["序号", "乡镇"]


def test_the_header_row_is_tall_enough_for_its_wrapped_labels():
    """A reader draws a row at the height the file states: a label wrapped over two lines in its
    column needs two lines' height, or it is drawn over the first body row (LibreOffice did)."""
    from pairing.core.workbooks import LINE_HEIGHT

    book = new_workbook()
    columns = [Column("乡镇"), Column("每月参加服务人才占比", "percent"), Column("次", "int")]
    GovSheet(book, "汇总", title="标题", subtitle="填报单位：东岳镇", columns=columns)
    sheet = load_workbook(io.BytesIO(to_bytes(book)))["汇总"]
    width = sheet.column_dimensions["B"].width
    lines = -(-display_width("每月参加服务人才占比") // (width - 1))
    assert lines >= 2 and sheet.row_dimensions[3].height >= LINE_HEIGHT * lines
    assert sheet.row_dimensions[1].height >= 24  # the 18-point title


def test_a_body_row_with_wrapped_text_states_its_height():
    from pairing.core.workbooks import LINE_HEIGHT

    book = new_workbook()
    sheet = GovSheet(
        book,
        "明细",
        title="标题",
        subtitle="填报单位：东岳镇",
        columns=[Column("单位", width=10), Column("次数", "int")],
    )
    sheet.row(("短名", 1))
    sheet.row(("青山县农业农村局乡村振兴服务中心", 2))  # 32 display columns in a 10-wide column: 4 lines
    sheet.row(("第一行\n第二行", 3))
    read = load_workbook(io.BytesIO(to_bytes(book)))["明细"]
    assert read.row_dimensions[4].height is None
    assert read.row_dimensions[5].height >= LINE_HEIGHT * 4
    assert read.row_dimensions[6].height >= LINE_HEIGHT * 2
    assert [c.value for c in read[5]] == ["青山县农业农村局乡村振兴服务中心", 2]
