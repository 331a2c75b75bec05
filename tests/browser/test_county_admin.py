"""The county admin at a desk: the compliance board, down to a list and its Excel, and agreement signing."""

import openpyxl
from playwright.sync_api import expect

from ledgers.periods import format_month, month_label

from . import scenes
from .conftest import DESKTOP, shot
from .pages import open_menu

TALENTS_RULE = "城市人才每月至少参加1次服务活动"


def test_a_county_admin_drills_into_the_compliance_board_and_reads_agreement_progress(cast, open_page, tmp_path):
    month = scenes.county_last_month(cast)
    page = open_page(cast.alice, viewport=DESKTOP)

    open_menu(page, "工作", "合规看板")
    page.get_by_label("期间").fill(format_month(month))
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(month_label(month))
    card = page.locator("a.card", has_text=TALENTS_RULE)
    # 李四 and 钱七 did not serve; the other county's 王五 is not counted. Count and rate, each named.
    expect(card).to_contain_text("未达标 2 人，达标率 50.0%")
    expect(card).to_contain_text("共 4 人")
    shot(page, "county-compliance-board", doc=True)

    # Township B's cell in the talents column: who did not serve there.
    header = page.locator("table thead th")
    column = [text.strip() for text in header.all_inner_texts()].index(TALENTS_RULE)
    page.locator("table tbody tr", has_text="乙镇").locator("th, td").nth(column).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{TALENTS_RULE}：未达标名单")
    rows = page.locator("#behind-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("李四")
    shot(page, "county-compliance-township")

    # The whole county's list, and the same list as a workbook.
    page.get_by_role("link", name="返回看板").click()
    card.click()
    expect(rows).to_have_count(2)
    names = sorted(rows.locator('td[data-label="城市人才"]').all_inner_texts())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "list.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    cells = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert month_label(month) in cells[0][0] and "未达标名单" in cells[0][0]
    # The government-table layout: the title, the unit and date line, then the header row.
    assert "填报单位" in cells[1][0] and "城市人才" in cells[2]
    column = cells[2].index("城市人才")
    assert sorted(row[column] for row in cells[3:] if row[column]) == names
    assert names == ["李四", "钱七"]

    # Agreement signing progress by township.
    open_menu(page, "工作", "三清单一协议")
    summary = page.locator("#signing-summary")
    a_row = summary.locator("tr[data-township]", has_text="甲镇")
    expect(a_row.locator("[data-count='total']")).to_have_text("1")
    expect(a_row.locator("td[data-status='signed']")).to_contain_text("1")
    b_row = summary.locator("tr[data-township]", has_text="乙镇")
    expect(b_row.locator("td[data-status='draft']")).to_contain_text("1")
    expect(page.get_by_text("已签署（含已关闭）1/2 个结对关系")).to_be_visible()
    shot(page, "county-agreement-overview")
    b_row.locator("td[data-status='draft'] a").click()
    details = page.locator("table").last.locator("tbody tr")
    expect(details).to_have_count(1)
    expect(details).to_contain_text("乙一村")


def test_a_bad_period_is_refused_at_the_period_field(cast, open_page):
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto("/ledgers/compliance/")
    page.get_by_label("期间").fill("2026-13")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("月份应在 1 至 12 之间。")).to_be_visible(timeout=1000)
    expect(page.get_by_label("期间")).to_have_value("2026-13")
