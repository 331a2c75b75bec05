"""Assessment journeys: the county edits a rule, scores the quarter, confirms it, grades the year
and files the grades; a talent on a phone follows a point to the activity behind it."""

from playwright.sync_api import expect

from assessment.models import GradingRound, QuarterRollup, ScoringRule
from assessment.services.rollup import run_rollup
from tests.assessment import dataset

from .conftest import DESKTOP, shot
from .pages import flash, no_english, open_menu, open_task, pick


def test_the_county_edits_a_rule_scores_confirms_and_files_the_grades(cast, open_page, live_server):
    q = dataset.build(cast)
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto(f"{live_server.url}/assessment/rules/?year={q.year}")
    row = page.locator("tr", has_text="参加村服务活动")
    row.get_by_role("link", name="修改").click()
    page.get_by_label("每次分值").fill("3")
    page.get_by_role("button", name="保存").click()
    flash(page, "考核细则已保存")
    assert ScoringRule.objects.get(county=cast.county, year=q.year, code="T01").points == 3

    open_menu(page, "工作", "考核积分")
    page.get_by_label("年度").fill(str(q.year))
    page.get_by_label("季度").select_option(label="第二季度")
    page.get_by_role("button", name="计算季度积分").click()
    flash(page, "积分已计算")
    page.get_by_role("button", name="确认积分").click()
    flash(page, "已确认积分")
    assert QuarterRollup.objects.get(county=cast.county, year=q.year, quarter=2).state == "confirmed"
    shot(page, "county-quarter-confirmed")

    open_menu(page, "工作", "年度等次")
    page.get_by_label("年度").fill(str(q.year))
    pick(page, "id_group", "全县城市人才")
    page.keyboard.press("Escape")  # a single-choice picker stays open after the pick
    page.get_by_role("button", name="按名额拟定等次").click()
    flash(page, "已按名额拟定年度等次")
    expect(page.get_by_text("同分排序依次为")).to_be_visible()
    page.get_by_role("button", name="确认并备案").click()
    flash(page, "年度等次已确认并备案")
    expect(page.get_by_role("link", name="下载备案表")).to_be_visible()
    assert GradingRound.objects.get(year=q.year).state == "confirmed"
    shot(page, "county-grades-filed")


def test_a_talent_on_a_phone_follows_a_point_to_the_activity_behind_it(cast, open_page):
    q = dataset.build(cast)
    run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    page = open_page(cast.frank)
    open_task(page, "我的积分")  # the talent's own menu names what they do there
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    line = page.locator("details", has_text="T01 参加村服务活动")
    expect(line).to_contain_text("3 次")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # cards, no sideways scrolling
    assert no_english(page.locator("main").inner_text()) == []
    shot(page, "talent-score-explained")
    line.get_by_role("link", name=f"活动{q.year}-04-20（甲一村）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"活动{q.year}-04-20")
