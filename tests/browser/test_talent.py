"""The talent on a phone: find a demand to claim, claim it, record the service."""

from playwright.sync_api import expect

from ledgers.choices import ActivityStatus, ClaimStatus
from ledgers.models import DemandClaim, ServiceActivity
from pairing.choices import Role
from tests.factories import make_user
from tests.ledgers.helpers import png_bytes, today
from tests.ledgers.test_demands_support import publish

from .conftest import shot
from .pages import flash, open_task


def test_a_talent_claims_a_demand_and_records_the_service(cast, open_page):
    wanted = publish(cast, title="为留守老人测量血压", people=2)
    publish(cast, title="修缮村道路灯")
    b1_secretary = make_user("bella", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    publish(cast, village=cast.village_b1, actor=b1_secretary, title="乙一村的需求")  # not his village: not shown

    page = open_page(cast.frank)
    open_task(page, "认领需求")
    cards = page.locator(".card", has=page.get_by_role("button", name="认领"))
    expect(cards).to_have_count(2)
    expect(page.get_by_text("乙一村的需求")).to_have_count(0)
    expect(cards.filter(has_text="为留守老人测量血压")).to_contain_text("还差 2 人")
    shot(page, "talent-claimable")

    cards.filter(has_text="为留守老人测量血压").get_by_role("button", name="认领").click()
    flash(page, "认领成功")
    mine = page.locator(".card.border-primary")
    expect(mine).to_contain_text("为留守老人测量血压")
    still_open = page.locator(".card", has=page.get_by_role("button", name="认领"))
    expect(still_open).to_have_count(1)  # his own claim moved up to 我的在办认领
    expect(still_open).to_contain_text("修缮村道路灯")
    claim = DemandClaim.objects.get(demand=wanted)
    assert claim.talent == cast.talent_t and claim.status == ClaimStatus.ACTIVE
    shot(page, "talent-claimed")

    # After serving, the talent records it: it waits for the village to confirm.
    page.get_by_role("link", name="为留守老人测量血压").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("为留守老人测量血压")
    expect(page.locator("dl")).to_contain_text("1/2 人")
    open_task(page, "登记服务")
    expect(page.get_by_label("参与的城市人才")).to_have_count(0)  # a talent records their own service
    page.get_by_text("小微服务", exact=True).click()
    expect(page.get_by_label("活动日期")).to_have_value(today().isoformat())  # today, already filled in
    page.get_by_label("活动名称").fill("为留守老人测量血压")
    page.get_by_label("活动内容").fill("为 12 位留守老人测量血压并建立健康档案")
    page.get_by_label("本人服务时长（小时）").fill("3")
    page.get_by_label("受益群众（人次）").fill("12")
    page.get_by_label("现场照片").set_input_files(
        files=[{"name": "量血压.png", "mimeType": "image/png", "buffer": png_bytes(color=(30, 120, 200))}]
    )
    shot(page, "talent-record-form")
    page.get_by_role("button", name="保存").click()
    flash(page, "待村党组织确认后计入台账")

    activity = ServiceActivity.objects.get(title="为留守老人测量血压")
    assert activity.status == ActivityStatus.PENDING and activity.village == cast.village_a1
    assert [(p.talent, str(p.hours)) for p in activity.participants.all()] == [(cast.talent_t, "3.0")]
    page.get_by_role("link", name="我的服务").first.click()
    expect(page.locator(".card", has_text="为留守老人测量血压")).to_contain_text("待村确认")
    shot(page, "talent-my-services")
