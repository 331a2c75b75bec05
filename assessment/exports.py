"""Workbooks of the assessment pages, in the one government-table style (pairing/core/workbooks.py)."""

from pairing.core.workbooks import Column, GovSheet, new_workbook, to_bytes, unit_line

FILING_COLUMNS = [
    Column("名次", "int", width=6),
    Column("姓名", width=10),
    Column("所在单位", width=24),
    Column("服务村", width=14),
    Column("年度总分", "decimal", width=10),
    Column("拟定等次", width=9),
    Column("确定等次", width=9),
    Column("调整理由", width=30, wrap_left=True),
]


def filing_workbook(title: str, unit: str, rows: list[dict]) -> bytes:
    """The filed grades as they were confirmed (GradeFiling.rows, a snapshot)."""
    book = new_workbook()
    sheet = GovSheet(book, "等次备案", title=title, subtitle=unit_line(unit), columns=FILING_COLUMNS)
    sheet.rows(
        (
            r["position"],
            r["name"],
            r["unit"],
            r["village"],
            float(r["annual_score"]),
            r["proposed_grade"],
            r["grade"],
            r["reason"],
        )
        for r in rows
    )
    return to_bytes(book)
