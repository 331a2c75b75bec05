"""The township officer at a desk: the queue of submitted months, confirm, reopen, the month in Excel."""

import datetime
import re
from zoneinfo import ZoneInfo

import openpyxl
from playwright.sync_api import expect

from ledgers import services as months
from ledgers.choices import MonthStatus
from ledgers.models import LedgerMonth, ServiceActivity
from ledgers.periods import format_month, month_label
from tests.ledgers.helpers import record

from . import scenes
from .conftest import DESKTOP, shot
from .pages import answer_question, flash, open_menu


def test_a_township_officer_confirms_months_reopens_one_and_downloads_the_ledger(cast, open_page, tmp_path):
    a1_last, a2_last, a1_now = scenes.submitted_months(cast)
    page = open_page(cast.bob, viewport=DESKTOP)

    open_menu(page, "工作", "工作台账")
    expect(page.get_by_role("heading", level=1)).to_have_text("待确认的月度台账")
    queue = page.locator("table tbody tr")
    expect(queue).to_have_count(3)
    expect(queue.first).to_contain_text(month_label(a1_last.month))  # oldest first
    shot(page, "township-queue")

    # One month is read on its page first; then all three are ticked and confirmed in one action.
    queue.filter(has_text="甲一村").filter(has_text=month_label(a1_last.month)).get_by_role("link", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲一村")
    shot(page, "township-month-ledger", doc=True)
    page.get_by_role("link", name="待确认台账").click()
    page.get_by_role("checkbox", name="全选本页").check()
    # Meanwhile the village's current month is taken back by the county: that one must be refused alone.
    months.reopen_month(actor=cast.alice, ledger_month=a1_now, version=a1_now.version, reason="补充材料")
    page.get_by_role("button", name="确认所选台账").click()
    answer_question(page, "确认后本月台账即作为考核依据")
    flash(page, "已确认 2 个月度台账")
    refusals = page.locator(".alert-danger")
    expect(refusals.first).to_contain_text("以下 1 个月度台账未确认")
    expect(refusals.nth(1)).to_contain_text(f"甲一村{month_label(a1_now.month)}：")
    shot(page, "township-batch-confirmed")
    expect(queue).to_have_count(1)
    expect(queue).to_contain_text("没有待确认的月度台账")
    for row in (a1_last, a2_last):
        row.refresh_from_db()
        assert row.status == MonthStatus.CONFIRMED and row.confirmed_by == cast.bob
    a1_now.refresh_from_db()
    assert a1_now.status == MonthStatus.OPEN

    # 甲二村's month goes back to the village with a reason.
    page.goto(a2_last.get_absolute_url())
    reason = page.get_by_placeholder("退回原因（必填）")
    page.get_by_role("button", name="退回村修改").click()  # without a reason the browser refuses
    assert LedgerMonth.objects.get(pk=a2_last.pk).status == MonthStatus.CONFIRMED
    reason.fill("活动缺少现场照片，请补充后重新报送")
    page.get_by_role("button", name="退回村修改").click()
    answer_question(page, "退回后该月台账回到村里修改")
    flash(page, "已退回村修改")
    expect(page.get_by_role("heading", level=1)).to_contain_text("填报中")
    a2_last.refresh_from_db()
    assert a2_last.status == MonthStatus.OPEN and a2_last.reopen_reason == "活动缺少现场照片，请补充后重新报送"
    shot(page, "township-reopened")

    # 甲一村's confirmed month as the 工作台账 workbook.
    page.goto(a1_last.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "《“双结对双帮扶”工作台账》"
    assert re.search(r"村（社区）：甲一村.*台账状态：乡镇已确认", sheet["A2"].value)
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    body = [row for row in values if isinstance(row[0], int)]
    assert [(row[2], row[5].split("：")[0]) for row in body] == [
        ("张三", "上月入户走访"),
        ("张三", "惠农政策宣讲"),
        ("赵敏", "惠农政策宣讲"),
        ("赵敏", "代办社保认证"),
    ]
    assert sheet.title == f"{a1_last.month:%Y年%m月}" and format_month(a1_last.month) in download.url


def test_the_month_ledger_shows_the_shanghai_date_of_a_confirmation(cast, open_page):
    day = scenes.last_month().replace(day=10)
    activity = record(cast.dave, cast.village_a1, day=day, talents=(cast.talent_t,), title="入户走访")
    at_0730 = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=ZoneInfo("Asia/Shanghai"))
    ServiceActivity.objects.filter(pk=activity.pk).update(reviewed_at=at_0730)

    page = open_page(cast.bob, viewport=DESKTOP)
    page.goto(f"/ledgers/months/{cast.village_a1.pk}/{format_month(day.replace(day=1))}/")
    expect(page.locator("table tbody tr").first).to_contain_text(f"已确认 Dave {day:%m-%d}", timeout=1000)
