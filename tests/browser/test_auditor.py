"""The auditor at a desk: find who did what in the audit log."""

from playwright.sync_api import expect

from . import scenes
from .conftest import DESKTOP, log_in, shot


def test_an_auditor_searches_the_audit_log(cast, open_page):
    scenes.submitted_months(cast)  # the secretaries record activities and submit months: all audited
    log_in(open_page(), cast.erin)  # a login, from another browser

    page = open_page(cast.grace, viewport=DESKTOP)
    page.locator("#portal-nav").get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审计日志")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    shot(page, "auditor-log")

    # Who logged in: erin, then grace herself, newest first, with the address they came from.
    page.get_by_label("操作").select_option(label="登录")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("grace")
    expect(rows.nth(1)).to_contain_text("erin")
    expect(rows.first).to_contain_text("127.0.0.1")
    expect(page.get_by_label("操作")).to_have_value("login")  # the filter stays as chosen

    # Everything that mentions 甲二村, done by amy.
    page.get_by_label("操作").select_option("")
    page.get_by_placeholder("输入关键字搜索").fill("甲二村")
    page.get_by_label("用户名").fill("amy")
    page.get_by_role("button", name="查询").click()
    expect(rows.first).to_contain_text("amy")
    texts = rows.all_inner_texts()
    assert all("amy" in row and "甲二村" in row for row in texts), texts
    assert any("提交" in row for row in texts), texts  # the month she submitted
    expect(page.get_by_placeholder("输入关键字搜索")).to_have_value("甲二村")
    expect(page.get_by_label("用户名")).to_have_value("amy")
    shot(page, "auditor-search")


def test_an_auditor_sees_failed_logins_to_the_countys_accounts(cast, open_page):
    stranger = open_page()
    log_in(stranger, cast.dave, password="guessed-wrong", expect_success=False)
    expect(stranger.locator(".alert-danger")).to_be_visible()

    page = open_page(cast.grace, viewport=DESKTOP)
    page.goto("/audit-log/")
    page.get_by_label("操作").select_option(label="登录失败")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("dave", timeout=1000)
