"""A township's month: one ledger sheet per village (what a township sends upward), in one workbook.

Each sheet is the village's month ledger exactly as the per-village download lays it out
(ledgers.exports.add_ledger_sheet), read through the same queries (ledgers.ledger).
"""

from ledgers.exports import add_ledger_sheet
from ledgers.ledger import ledger_rows, month_activities, month_row, totals
from pairing.core.workbooks import new_workbook, to_bytes
from pairing.models import Village


def filename(township, first) -> str:
    """东岳镇2026年11月工作台账.xlsx"""
    return f"{township.name}{first:%Y年%m月}工作台账.xlsx"


def workbook(user, township, first) -> tuple[bytes, int]:
    """(.xlsx bytes, number of villages) for the villages of `township` visible to `user`."""
    book = new_workbook()
    villages = Village.objects.visible_to(user).filter(township=township).select_related("township").order_by("code")
    count = 0
    for village in villages:
        activities = month_activities(user, village, first)
        add_ledger_sheet(
            book,
            month=month_row(village, first),
            rows=ledger_rows(activities),
            totals=totals(activities),
            name=village.name,
        )
        count += 1
    return to_bytes(book), count
