"""The village secretary sees the unread badge and opens the notice that her month was confirmed."""

import re

from playwright.sync_api import expect

from ledgers.models import LedgerMonth, Notification
from ledgers.services import confirm_month, submit_month
from tests.ledgers.helpers import last_month_day, record

from .conftest import log_in, shot


def test_a_secretary_opens_the_month_confirmed_notice_from_the_badge(cast, open_page):
    record(cast.dave, cast.village_a1, day=last_month_day(), talents=[cast.talent_t])
    row = LedgerMonth.objects.get(village=cast.village_a1)
    row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    confirm_month(actor=cast.bob, ledger_month=row, version=row.version)  # committed: the notice is written
    assert Notification.objects.filter(recipient=cast.dave).count() == 1

    page = open_page()
    log_in(page, cast.dave)
    badge = page.locator("#unread-badge-phone")
    expect(badge).to_have_text("消息 1")
    shot(page, "secretary-unread-badge")
    badge.click()
    card = page.locator(".card", has_text="工作台账已确认").first
    expect(card).to_contain_text("甲镇已确认甲一村")
    card.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(rf"/ledgers/months/{cast.village_a1.pk}/\d{{4}}-\d{{2}}/$"))
    expect(page.locator("#unread-badge-phone")).to_have_count(0)
    assert Notification.objects.get(recipient=cast.dave).read_at is not None


def test_a_township_officer_presses_urge_on_a_phone_and_the_talent_sees_it(cast, open_page):
    from django.utils import timezone

    from ledgers.choices import NotificationKind

    from .pages import flash

    period = timezone.localdate().strftime("%Y-%m")
    page = open_page(cast.bob)
    page.goto(f"/ledgers/compliance/talents/?period={period}&open=1")  # the running month: still open, not yet behind
    row = page.locator("#behind-list tbody tr", has_text="张三")
    expect(row).to_contain_text("未催办")
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="催办所选").click()
    flash(page, "已催办，发送 1 条提醒")
    expect(page.locator("#behind-list tbody tr", has_text="张三")).to_contain_text("已催办")
    shot(page, "township-urge")
    assert Notification.objects.get(kind=NotificationKind.URGE).recipient == cast.frank

    talent = open_page(cast.frank)
    talent.goto("/ledgers/notifications/")
    expect(talent.locator(".card", has_text="催办").first).to_contain_text("Bob提醒您")
