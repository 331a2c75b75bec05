"""Workbooks of the assessment pages. Each is one small function so it can move onto the shared
government-table style (pairing/core/excel.py) when that lands; every user-entered string is
written formula-safe."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from pairing.core.excel import safe_text

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def table_workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    """A titled, bordered table in 宋体/仿宋 on A4 landscape with the header repeated on every page."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([safe_text(title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    sheet["A1"].font = Font(name="宋体", size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    for row in rows:
        sheet.append([value if isinstance(value, int | float) else safe_text(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = BORDER
            cell.font = Font(name="宋体" if cell.row == 2 else "仿宋", bold=cell.row == 2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "2:2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filing_workbook(title: str, rows: list[dict]) -> bytes:
    headers = ["名次", "姓名", "所在单位", "服务村", "年度总分", "拟定等次", "确定等次", "调整理由"]
    body = [
        [
            r["position"],
            r["name"],
            r["unit"],
            r["village"],
            float(r["annual_score"]),
            r["proposed_grade"],
            r["grade"],
            r["reason"],
        ]
        for r in rows
    ]
    return table_workbook(title, headers, body)
