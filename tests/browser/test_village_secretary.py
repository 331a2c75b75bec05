"""The village secretary's month, on a phone: record, confirm, publish, submit."""

import re

from playwright.sync_api import expect

from ledgers.choices import ActivityStatus, DemandStatus, MonthStatus
from ledgers.models import Demand, LedgerMonth, ServiceActivity
from ledgers.periods import current_month
from tests.ledgers.helpers import png_bytes, today

from . import scenes
from .conftest import log_in, shot
from .pages import answer_question, flash, open_task, pick


def test_a_secretary_records_confirms_publishes_and_submits_the_month(cast, open_page):
    scenes.second_talent_for_a1(cast)  # the second talent of the activity
    franks = scenes.talents_own_service(cast)

    page = open_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    shot(page, "secretary-login")
    log_in(page, cast.dave)
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    shot(page, "secretary-home")

    # The home page names the village and its month; the menu holds the secretary's work, by verb.
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲一村（甲镇）")
    expect(page.get_by_role("link", name="填报中")).to_be_visible()
    # The month ledger, from the menu; on a phone it offers a big 登记活动 button.
    open_task(page, "本月台账")
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲一村")
    page.locator("a.btn", has_text="登记活动").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("登记服务活动")

    page.get_by_text("主题活动", exact=True).click()
    expect(page.get_by_label("活动日期")).to_have_value(today().isoformat())  # today, already filled in
    page.get_by_label("活动名称").fill("主题党日：学习四中全会精神")
    page.get_by_label("活动内容").fill("组织党员学习全会精神，张三、赵敏讲解惠农政策")
    pick(page, "id_talents", "张三")
    pick(page, "id_talents", "赵敏")
    page.get_by_label("每人服务时长（小时）").fill("2.5")
    page.get_by_label("受益群众（人次）").fill("36")
    page.get_by_label("活动地点").fill("村党群服务中心")
    page.get_by_label("现场照片").set_input_files(
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    shot(page, "secretary-record-form", doc=True)
    page.get_by_role("button", name="保存").click()

    flash(page, "活动已登记并计入本月台账")
    activity = ServiceActivity.objects.get(title="主题党日：学习四中全会精神")
    assert activity.status == ActivityStatus.CONFIRMED
    assert sorted(p.talent.name for p in activity.participants.all()) == ["张三", "赵敏"]
    assert {str(p.hours) for p in activity.participants.all()} == {"2.5"}
    assert activity.photos.count() == 1
    expect(page.get_by_alt_text("现场照片").first).to_be_visible()
    shot(page, "secretary-activity")

    # Frank's own service waits in 待确认; the secretary confirms it.
    page.get_by_role("link", name="待确认").first.click()
    card = page.locator(".card", has_text=franks.title)
    expect(card).to_contain_text("待村确认")
    shot(page, "secretary-pending")
    card.locator("xpath=following-sibling::div[1]").get_by_role("button", name="确认").click()
    expect(page.get_by_text("没有待确认的活动。")).to_be_visible()
    franks.refresh_from_db()
    assert franks.status == ActivityStatus.CONFIRMED and franks.reviewed_by == cast.dave

    # A demand for the talents and the paired unit to claim.
    open_task(page, "发布需求")
    page.get_by_text("群众需求", exact=True).click()
    page.get_by_label("类别").select_option(label="产业发展")
    page.get_by_label("标题").fill("茶园病虫害防治指导")
    page.get_by_label("具体内容").fill("春茶采摘前需要农技人员现场指导病虫害绿色防控")
    page.get_by_label("需要人数").fill("2")
    shot(page, "secretary-demand-form")
    page.get_by_role("button", name="发布").click()
    flash(page, "需求已发布")
    demand = Demand.objects.get(title="茶园病虫害防治指导")
    assert demand.village == cast.village_a1 and demand.people_wanted == 2
    assert demand.status == DemandStatus.PUBLISHED

    # The month, with both activities counted, submitted to the township.
    open_task(page, "本月台账")
    expect(page.locator("table")).to_contain_text("主题党日：学习四中全会精神")
    expect(page.locator("table")).to_contain_text(franks.title)
    shot(page, "secretary-month-ledger")
    # 报送乡镇 asks first, and says the running month has not ended; cancelling leaves it open.
    page.get_by_role("button", name="报送乡镇").click()
    shot(page, "secretary-month-submit-question")
    answer_question(page, "还没有结束", take=False)
    assert LedgerMonth.objects.get(village=cast.village_a1, month=current_month()).status == MonthStatus.OPEN
    page.get_by_role("button", name="报送乡镇").click()
    answer_question(page, "报送后本月台账不能再修改，如需更正须由乡镇党委退回")
    flash(page, "已报送乡镇")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已报送")
    expect(page.locator("a.btn", has_text="登记活动")).to_have_count(0)  # a submitted month takes no more
    month = LedgerMonth.objects.get(village=cast.village_a1, month=current_month())
    assert month.status == MonthStatus.SUBMITTED and month.submitted_by == cast.dave
    shot(page, "secretary-month-submitted")


def test_the_record_form_shows_today_as_the_activity_date(cast, open_page):
    page = open_page(cast.dave)
    page.goto("/ledgers/activities/new/")
    expect(page.get_by_label("活动日期")).to_have_value(today().isoformat(), timeout=1000)
