"""The village month ledger as a document: 《"双结对双帮扶"工作台账》 in Excel.

Laid out by the shared government-table style (pairing.core.workbooks): title, the village and
month, one header row repeated on every printed page, bordered rows, a totals row, signatures.
"""

from pairing.core import local_time
from pairing.core.local_time import local_text
from pairing.core.workbooks import Column, GovSheet, new_workbook, to_bytes, unit_line

from .ledger import LedgerRow, Totals
from .periods import month_label

TITLE = "《“双结对双帮扶”工作台账》"
COLUMNS = (
    Column("序号", "int", 6),
    Column("日期", "date", 12),
    Column("城市人才", width=12),
    Column("所在单位", width=20),
    Column("活动类型", width=13),
    Column("活动内容", width=48, wrap_left=True),
    Column("服务时长（小时）", "hours", 11),
    Column("受益群众（人次）", "int", 11),
    Column("确认情况", width=18),
)
HEADER_ROW = 3


def ledger_filename(village, first) -> str:
    """东岳镇范坝村2026年11月工作台账.xlsx"""
    return f"{village.township.name}{village.name}{first:%Y年%m月}工作台账.xlsx"


def add_ledger_sheet(book, *, month, rows: list[LedgerRow], totals: Totals, name: str | None = None) -> GovSheet:
    """One village month as a sheet of `book` (the township's month workbook has one per village)."""
    village = month.village
    sheet = GovSheet(
        book,
        name or f"{month.month:%Y年%m月}",
        title=TITLE,
        subtitle=f"乡镇（街道）：{village.township.name}    村（社区）：{village.name}    "
        f"月份：{month_label(month.month)}    台账状态：{month.get_status_display()}",
        columns=COLUMNS,
    )
    for number, row in enumerate(rows, start=1):
        sheet.row(
            (
                number,
                row.date,
                row.talent,
                row.unit,
                row.kind,
                row.content,
                row.hours,
                row.beneficiaries,
                row.confirmation,
            )
        )
    sheet.row(
        (
            "合计",
            None,
            None,
            None,
            None,
            f"共 {totals.activities} 次活动，城市人才参与 {totals.participants} 人次（{totals.talents} 人）",
            totals.hours,
            totals.beneficiaries,
            None,
        ),
        total=True,
        merge=(1, 5),
    )
    sheet.note("")
    sheet.note(
        f"村党组织书记（签字）：__________    乡镇党委（盖章）：__________    导出时间：{local_text(local_time.now())}"
    )
    return sheet


def ledger_workbook(*, month, rows: list[LedgerRow], totals: Totals) -> bytes:
    """The .xlsx bytes of one village month; `month` is the LedgerMonth (saved or not)."""
    book = new_workbook()
    add_ledger_sheet(book, month=month, rows=rows, totals=totals)
    return to_bytes(book)


# -- the compliance board's lists of who is behind ----------------------------------------------

LIST_NAMES = {
    "talents": "城市人才未参加服务名单",
    "units": "县直单位未联系结对村名单",
    "agreements": "未签订三清单一协议名单",
    "meetings": "未召开联席会议名单",
    "months": "未报送工作台账村（社区）名单",
    "reports": "未报送半年工作报告乡镇名单",
}


def compliance_filename(rule, period, unit: str) -> str:
    """青山县2026年12月城市人才未参加服务名单.xlsx"""
    return f"{unit}{period.label}{LIST_NAMES.get(rule.code, rule.title + '未达标名单')}.xlsx"


def compliance_workbook(rule, period, rows, headers, *, unit: str) -> bytes:
    """A drill-down list of the rows behind on `rule` (the page's rows, in the page's order)."""
    book = new_workbook()
    has_months = len(headers) > len(rule.columns)
    columns = [Column("序号", "int", 6)] + [Column(h, width=18) for h in rule.columns]
    if has_months:
        columns.append(Column("未达标月份", width=30, wrap_left=True))
    sheet = GovSheet(
        book,
        rule.title,
        title=f"{period.label}“{rule.title}”未达标名单",
        subtitle=unit_line(unit, extra=f"共 {len(rows)} 条"),
        columns=columns,
    )
    for number, row in enumerate(rows, start=1):
        sheet.row((number, *row.cells, *((row.missed_label,) if has_months else ())))
    return to_bytes(book)
