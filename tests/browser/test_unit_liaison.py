"""The unit liaison on a phone: the unit's resources, the agreement signed with its scan, the joint meeting."""

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from ledgers.choices import MeetingStatus
from ledgers.models import JointMeeting
from ledgers.periods import half_of
from pairing.choices import AgreementStatus
from pairing.services import agreements as agreement_services
from tests.ledgers.helpers import png_bytes

from . import scenes
from .conftest import shot
from .pages import answer_question, flash, open_menu, pick


def meeting_time() -> datetime.datetime:
    """Yesterday afternoon, or this morning at 8 when yesterday was in the previous half year."""
    now = timezone.localtime()
    yesterday = (now - datetime.timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    if (yesterday.year, half_of(yesterday.date())) == (now.year, half_of(now.date())):
        return yesterday
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def test_a_liaison_adds_a_resource_signs_the_agreement_and_records_a_joint_meeting(cast, open_page):
    agreement = scenes.draft_agreement(cast)
    page = open_page(cast.erin)

    open_menu(page, "工作", "三清单一协议")
    page.get_by_role("link", name="查看协议").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲一村")

    resources = page.locator("#list-resource")
    resources.get_by_text("新增资源").click()
    add = resources.locator("details form")
    add.get_by_label("资源类别").select_option(label="人才技术")
    add.get_by_label("资源内容").fill("农技专家每季度驻村指导茶园管护")
    add.get_by_label("数量/金额").fill("4")
    add.get_by_label("计量单位").fill("人次")
    shot(page, "liaison-resource-form")
    add.get_by_role("button", name="添加").click()
    expect(page.locator("#list-resource tbody")).to_contain_text("农技专家每季度驻村指导茶园管护")
    item = agreement.resources.get(description="农技专家每季度驻村指导茶园管护")
    assert item.amount == Decimal("4") and item.unit_of_measure == "人次"

    # The village submits the lists (its secretary's step); the liaison confirms and then signs.
    agreement.refresh_from_db()
    agreement_services.submit(actor=cast.dave, agreement=agreement, expected_version=agreement.version)
    page.reload()
    page.get_by_role("button", name="确认协议和清单").click()
    answer_question(page, "确认后双方即可登记签署")
    expect(page.get_by_role("button", name="登记签署")).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CONFIRMED

    sign = page.locator("form", has=page.get_by_role("button", name="登记签署"))
    sign.get_by_label("签署日期").fill(timezone.localdate().isoformat())
    expect(sign.get_by_label("单位签署人（名誉村长）")).to_have_value("王局长")  # prefilled from the directory
    sign.get_by_label("签署扫描件（PDF 或图片）").set_input_files(
        files=[{"name": "结对共建协议（签字盖章）.png", "mimeType": "image/png", "buffer": png_bytes((800, 1100))}]
    )
    shot(page, "liaison-sign-form")
    sign.get_by_role("button", name="登记签署").click()
    shot(page, "liaison-sign-question")
    answer_question(page, "登记签署后协议生效")
    expect(page.get_by_text("已签署").first).to_be_visible()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and agreement.signed_on == timezone.localdate()
    assert agreement.scan.name and agreement.scan.storage.exists(agreement.scan.name)
    shot(page, "liaison-agreement-signed")

    # The half year's joint meeting, with minutes and a resolution, then finalized.
    open_menu(page, "工作", "联席会议")
    page.get_by_role("link", name="＋ 登记联席会议").click()
    held_at = meeting_time()
    page.get_by_label("召开时间").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("会议地点").fill("甲一村党群服务中心")
    expect(page.get_by_label("主持人（名誉村长）")).to_have_value("王局长")
    expect(page.get_by_role("combobox", name="参会城市人才")).to_be_visible()  # the picker is named by its label
    pick(page, "id_attendee_talents", "张三")
    page.get_by_label("参会人数").fill("9")
    page.get_by_label("会议议题").fill("研究明年茶园提质增效项目")
    page.get_by_label("会议纪要").fill("一、通报上半年共建项目进度。\n二、议定明年春季开展茶园病虫害绿色防控培训。")
    shot(page, "liaison-meeting-form")
    page.get_by_role("button", name="保存草稿").click()
    flash(page, "联席会议已登记")

    resolution = page.locator("form", has=page.get_by_role("heading", name="添加议定事项"))
    resolution.get_by_label("议定事项").fill("春季开展茶园病虫害绿色防控培训")
    resolution.get_by_label("责任人").fill("王局长、李书记")
    resolution.get_by_role("button", name="添加").click()
    expect(page.locator("table")).to_contain_text("春季开展茶园病虫害绿色防控培训")
    page.get_by_role("button", name="纪要定稿").click()
    answer_question(page, "定稿后会议纪要不能再修改")
    expect(page.locator(".badge", has_text="纪要已定稿")).to_be_visible()
    meeting = JointMeeting.objects.get(pairing=cast.pairing_u_a1)
    assert meeting.status == MeetingStatus.FINAL and timezone.localtime(meeting.held_at) == held_at
    assert [t.name for t in meeting.attendee_talents.all()] == ["张三"]
    assert meeting.resolutions.get().responsible == "王局长、李书记"
    shot(page, "liaison-meeting")
