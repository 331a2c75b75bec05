"""The village month ledger as a document: 《"双结对双帮扶"工作台账》 in Excel (openpyxl).

Government-table layout: a title row, the village and month, one header row repeated on every
printed page, bordered body rows in 仿宋, a totals row, A4 landscape fitted to the page width.
Every user-entered string goes through pairing.core.excel.set_text (formula-safe, clean XML).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from pairing.core import local_time
from pairing.core.excel import set_text
from pairing.core.local_time import local_text

from .ledger import LedgerRow, Totals
from .periods import month_label

TITLE = "《“双结对双帮扶”工作台账》"
COLUMNS = (
    ("序号", 6),
    ("日期", 12),
    ("城市人才", 12),
    ("所在单位", 20),
    ("活动类型", 13),
    ("活动内容", 48),
    ("服务时长（小时）", 11),
    ("受益群众（人次）", 11),
    ("确认情况", 18),
)
HEADER_ROW = 3
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=18, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="仿宋", size=11)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _style(cell, font=BODY_FONT, alignment=CENTER, border=True):
    cell.font = font
    cell.alignment = alignment
    if border:
        cell.border = BORDER


def ledger_workbook(*, month, rows: list[LedgerRow], totals: Totals) -> bytes:
    """The .xlsx bytes of one village month; `month` is the LedgerMonth (saved or not)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{month.month:%Y年%m月}"
    last = get_column_letter(len(COLUMNS))

    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = TITLE
    _style(sheet["A1"], TITLE_FONT, border=False)
    sheet.row_dimensions[1].height = 36

    village = month.village
    sheet.merge_cells(f"A2:{last}2")
    set_text(
        sheet["A2"],
        f"乡镇（街道）：{village.township.name}    村（社区）：{village.name}    "
        f"月份：{month_label(month.month)}    台账状态：{month.get_status_display()}",
    )
    _style(sheet["A2"], Font(name="仿宋", size=12), LEFT, border=False)
    sheet.row_dimensions[2].height = 24

    for index, (label, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=label)
        _style(cell, HEADER_FONT)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32

    row_number = HEADER_ROW
    for number, row in enumerate(rows, start=1):
        row_number += 1
        sheet.cell(row=row_number, column=1, value=number)
        date_cell = sheet.cell(row=row_number, column=2, value=row.date)
        date_cell.number_format = "yyyy-mm-dd"
        for column, value in ((3, row.talent), (4, row.unit), (5, row.kind), (6, row.content), (9, row.confirmation)):
            set_text(sheet.cell(row=row_number, column=column), value)
        hours = sheet.cell(row=row_number, column=7, value=float(row.hours))
        hours.number_format = "0.0"
        sheet.cell(row=row_number, column=8, value=row.beneficiaries)
        for column in range(1, len(COLUMNS) + 1):
            _style(sheet.cell(row=row_number, column=column), alignment=LEFT if column == 6 else CENTER)

    row_number += 1
    sheet.cell(row=row_number, column=1, value="合计")
    sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=5)
    sheet.cell(
        row=row_number,
        column=6,
        value=f"共 {totals.activities} 次活动，城市人才参与 {totals.participants} 人次（{totals.talents} 人）",
    )
    sheet.cell(row=row_number, column=7, value=float(totals.hours)).number_format = "0.0"
    sheet.cell(row=row_number, column=8, value=totals.beneficiaries)
    for column in range(1, len(COLUMNS) + 1):
        _style(sheet.cell(row=row_number, column=column), HEADER_FONT, LEFT if column == 6 else CENTER)

    row_number += 2
    sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number, end_column=len(COLUMNS))
    sheet.cell(
        row=row_number,
        column=1,
        value=f"村党组织书记（签字）：__________    乡镇党委（盖章）：__________    "
        f"导出时间：{local_text(local_time.now())}",
    )
    _style(sheet.cell(row=row_number, column=1), Font(name="仿宋", size=11), LEFT, border=False)

    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
