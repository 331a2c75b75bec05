"""What every role meets when something is not theirs or not right: the Chinese 404, errors at the field."""

import datetime

import pytest
from playwright.sync_api import expect

from ledgers.models import JointMeeting, ServiceActivity
from ledgers.periods import current_month, format_month
from pairing.choices import AgreementStatus
from pairing.models import TalentAssignment, UrbanTalent
from tests.ledgers.helpers import png_bytes, today
from tests.ledgers.test_demands_support import publish
from tests.pairing.test_agreements_support import make_agreement

from . import scenes
from .conftest import DESKTOP, PHONE, shot
from .pages import errors_at, no_english, pick

# Who, on what screen, and a page of the same kind that lies outside their scope.
OUT_OF_SCOPE = {
    "dave": (PHONE, lambda cast: f"/ledgers/months/{cast.village_b1.pk}/{format_month(current_month())}/"),
    "frank": (
        PHONE,
        lambda cast: publish(cast, village=cast.village_a2, actor=scenes.secretary_of_a2(cast)).get_absolute_url(),
    ),
    "erin": (PHONE, lambda cast: make_agreement(cast.pairing_v_b1, AgreementStatus.DRAFT).get_absolute_url()),
    "bob": (DESKTOP, lambda cast: f"/directory/villages/{cast.village_b1.pk}/"),
    "alice": (DESKTOP, lambda cast: f"/directory/talents/{cast.other_talent.pk}/"),
    "grace": (DESKTOP, lambda cast: f"/directory/villages/{cast.village_a1.pk}/"),
}


@pytest.mark.parametrize("who", OUT_OF_SCOPE)
def test_an_out_of_scope_page_is_the_chinese_404(cast, open_page, who):
    viewport, url = OUT_OF_SCOPE[who]
    target = url(cast)
    page = open_page(cast.users[who], viewport=viewport)
    response = page.goto(target)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到该页面")
    expect(page.locator("main")).to_contain_text("不在您的管理范围内")
    english = no_english(page.locator("main").inner_text())
    assert not english, english
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    if who in ("dave", "bob"):
        page.goto(target)
        shot(page, f"{who}-not-found")


def test_secretary_bad_hours_are_refused_at_the_field_and_the_rest_is_kept(cast, open_page):
    page = open_page(cast.dave)
    page.goto("/ledgers/activities/new/")
    page.get_by_text("走访调研", exact=True).click()
    page.get_by_label("活动日期").fill(today().isoformat())
    page.get_by_label("活动名称").fill("入户走访困难群众")
    page.get_by_label("活动内容").fill("走访 5 户困难群众")
    pick(page, "id_talents", "张三")
    page.get_by_label("每人服务时长（小时）").fill("30")
    page.get_by_label("现场照片").set_input_files(
        files=[{"name": "走访.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="保存").click()

    hours = page.get_by_label("每人服务时长（小时）")
    expect(errors_at(hours)).to_have_text(["不能大于 24。"])
    expect(hours).to_have_value("30")
    expect(page.get_by_label("活动名称")).to_have_value("入户走访困难群众")
    expect(page.get_by_label("活动内容")).to_have_value("走访 5 户困难群众")
    expect(page.get_by_label("活动日期")).to_have_value(today().isoformat())
    expect(page.get_by_label("走访调研")).to_be_checked()
    chosen = page.locator("#id_talents + .ts-wrapper .item")  # the talent picker's chosen items
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("张三（县农业农村局）")
    expect(page.locator("#id_project_item")).to_have_value("")  # the project picker still shows 请选择…
    # The photo is not kept (a browser cannot re-send a file): the page says it must be chosen again.
    expect(page.locator("#id_photos_again")).to_have_text(
        "表单未能保存，浏览器不会保留已选的文件：请重新选择现场照片。"
    )
    # The summary at the top is in view, names the field and leads to it.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="每人服务时长（小时）").click()
    expect(hours).to_be_focused()
    assert not ServiceActivity.objects.exists()
    shot(page, "secretary-bad-input")


def test_talent_bad_beneficiaries_are_refused_at_the_field_and_the_rest_is_kept(cast, open_page):
    page = open_page(cast.frank)
    page.goto("/ledgers/activities/new/")
    page.get_by_text("小微服务", exact=True).click()
    page.get_by_label("活动日期").fill(today().isoformat())
    page.get_by_label("活动名称").fill("代办医保")
    page.get_by_label("活动内容").fill("为三户老人代办医保缴费")
    page.get_by_label("受益群众（人次）").fill("-3")
    page.get_by_role("button", name="保存").click()

    beneficiaries = page.get_by_label("受益群众（人次）")
    expect(errors_at(beneficiaries)).to_have_text(["不能小于 0。"])
    expect(beneficiaries).to_have_value("-3")
    expect(page.get_by_label("活动名称")).to_have_value("代办医保")
    expect(page.get_by_label("小微服务")).to_be_checked()
    assert not ServiceActivity.objects.exists()


def test_liaison_bad_meeting_input_is_refused_at_the_field_and_the_rest_is_kept(cast, open_page):
    page = open_page(cast.erin)
    page.goto(f"/ledgers/meetings/new/?pairing={cast.pairing_u_a1.pk}")
    tomorrow = f"{today() + datetime.timedelta(days=1):%Y-%m-%d}T09:30"
    page.get_by_label("召开时间").fill(tomorrow)
    page.get_by_label("会议地点").fill("村部会议室")
    page.get_by_label("参会人数").fill("0")
    page.get_by_label("会议议题").fill("研究下半年共建项目")
    page.get_by_role("button", name="保存草稿").click()

    # The browser itself refuses 0 people, in Chinese, at the field, before anything is sent.
    count = page.get_by_label("参会人数")
    assert count.evaluate("input => input.validationMessage") == "值必须大于或等于 1。"
    assert not JointMeeting.objects.exists()

    # A meeting "held" tomorrow passes the browser; the server refuses it at the time field.
    count.fill("9")
    page.get_by_role("button", name="保存草稿").click()
    held_at = page.get_by_label("召开时间")
    expect(errors_at(held_at)).to_have_text(["召开时间不能晚于现在，请在会后登记。"])
    expect(held_at).to_have_value(tomorrow)
    expect(count).to_have_value("9")
    expect(page.get_by_label("会议地点")).to_have_value("村部会议室")
    expect(page.get_by_label("会议议题")).to_have_value("研究下半年共建项目")
    assert not JointMeeting.objects.exists()
    shot(page, "liaison-bad-input")


def test_township_bad_year_is_refused_at_the_field_and_the_rest_is_kept(cast, open_page):
    page = open_page(cast.bob, viewport=DESKTOP)
    page.goto(f"/directory/assignments/{cast.assignment_t.pk}/edit/")
    page.get_by_label("年度").fill("1999")
    page.get_by_label("备注").fill("调整至甲二村服务")
    page.get_by_role("button", name="保存").click()

    year = page.get_by_label("年度")
    expect(errors_at(year)).to_have_text(["年份应在 2000 至 2100 之间。"])
    expect(year).to_have_value("1999")
    expect(page.get_by_label("备注")).to_have_value("调整至甲二村服务")
    assert TalentAssignment.objects.get(pk=cast.assignment_t.pk).year == cast.assignment_t.year


def test_county_bad_phone_is_refused_at_the_field_and_the_rest_is_kept(cast, open_page):
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto("/directory/talents/new/")
    pick(page, "id_unit", "县农业农村局")
    page.get_by_label("姓名").fill("孙八")
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("手机号码").fill("1380013800")
    page.get_by_role("button", name="保存").click()

    phone = page.get_by_label("手机号码")
    expect(errors_at(phone)).to_have_text(["手机号码格式不正确：应为11位大陆手机号，以13-19开头。"])  # once
    expect(phone).to_have_value("1380013800")
    expect(page.get_by_label("姓名")).to_have_value("孙八")
    assert not UrbanTalent.objects.filter(name="孙八").exists()
    shot(page, "county-bad-input")


def test_auditor_wrong_current_password_is_refused_at_the_field(cast, open_page):
    page = open_page(cast.grace, viewport=DESKTOP)
    page.goto("/accounts/password/")
    page.get_by_label("当前密码").fill("not-my-password")
    page.get_by_label("新密码", exact=True).fill("Str0ng-passphrase-2026")
    page.get_by_label("确认新密码").fill("Str0ng-passphrase-2026")
    page.get_by_role("button", name="修改密码").click()

    expect(errors_at(page.get_by_label("当前密码"))).to_have_text(["当前密码不正确，请重新输入。"])
    # Passwords are never sent back to the page, by design: the auditor types them again.
    cast.grace.refresh_from_db()
    assert cast.grace.check_password("Cast-Passw0rd!")


def test_the_participant_picker_says_in_chinese_that_nothing_matches(cast, open_page):
    page = open_page(cast.dave)
    page.goto("/ledgers/activities/new/")
    pick(page, "id_talents", "张三")
    expect(page.locator("#id_talents + .ts-wrapper .item .remove")).to_have_attribute("title", "移除")
    control = page.locator("#id_talents-ts-control")
    control.focus()
    control.press_sequentially("欧阳")
    nothing = page.locator("#id_talents-ts-dropdown .no-results")
    expect(nothing).to_be_visible()
    assert not no_english(nothing.inner_text()), nothing.inner_text()


def test_a_single_picker_keeps_its_size_while_focused(cast, open_page):
    """A chosen unit's picker does not grow when focused and shrink on blur: the shift moved the 保存
    button under the tap that followed, and the tap was lost."""
    page = open_page(cast.alice, viewport=DESKTOP)
    page.goto("/directory/talents/new/")
    picker = page.locator("#id_unit + .ts-wrapper")
    pick(page, "id_unit", "县农业农村局")
    page.locator("#id_unit-ts-control").focus()
    expect(page.locator("#id_unit-ts-dropdown")).to_be_visible()
    focused = picker.bounding_box()
    page.get_by_label("姓名").focus()
    expect(page.locator("#id_unit-ts-dropdown")).to_be_hidden()
    assert picker.bounding_box()["height"] == focused["height"]


def test_a_picker_is_one_control_named_by_its_label(cast, open_page):
    """Screen readers meet tom-select's combobox, named by the field's label, and not also the
    original select it keeps (hidden) for the form."""
    page = open_page(cast.dave)
    page.goto("/ledgers/activities/new/")
    field = page.locator(".portal-field", has=page.locator("#id_talents"))
    expect(field.get_by_role("combobox")).to_have_count(1)
    expect(field.get_by_role("combobox", name="参与的城市人才", exact=True)).to_be_visible()
    expect(field.get_by_role("listbox")).to_have_count(0)  # the dropdown is closed; the original select is hidden


def test_a_missing_participant_is_refused_at_the_picker(cast, open_page):
    page = open_page(cast.dave)
    page.goto("/ledgers/activities/new/")
    page.get_by_text("走访调研", exact=True).click()
    page.get_by_label("活动名称").fill("入户走访")
    page.get_by_label("活动内容").fill("走访 3 户")
    page.get_by_label("每人服务时长（小时）").fill("2")
    page.get_by_role("button", name="保存").click()
    # At the picker (after its widget), not above the form; the summary's link focuses the picker.
    error = page.locator("#id_talents_error")
    expect(error).to_have_text("请至少选择一名参与的城市人才，或勾选结对单位集体参与。")
    expect(
        page.locator("#id_talents + .ts-wrapper + #id_talents_error, #id_talents ~ #id_talents_error")
    ).to_have_count(1)
    page.locator("[data-error-summary]").get_by_role("link", name="参与的城市人才").click()
    expect(page.locator("#id_talents-ts-control")).to_be_focused()
    shot(page, "secretary-picker-error")
    assert not ServiceActivity.objects.exists()
