"""Every home page names the user's own place and lists the role's real to-dos, each with a link."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers.services import ensure_month, submit_month
from pairing.choices import AgreementStatus, Role
from tests.factories import make_user
from tests.ledgers.helpers import last_month_day
from tests.pairing.test_agreements_support import make_agreement

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("pairing:home")).content.decode()


def test_the_township_is_told_about_the_months_awaiting_its_confirmation(client, cast):
    row = ensure_month(actor=cast.dave, village=cast.village_a1, month=last_month_day())
    submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    page = _home(client, cast.bob)
    assert "甲镇 · 乡镇党委工作人员" in page
    assert f'href="{reverse("ledgers:month_queue")}">1 个</a>' in page
    assert f'href="{row.get_absolute_url()}">查看</a>' in page


def test_the_liaisons_to_do_links_to_the_agreement_waiting_for_him(client, cast):
    agreement = make_agreement(cast.pairing_u_a1, status=AgreementStatus.SUBMITTED, year=timezone.localdate().year)
    page = _home(client, cast.erin)
    assert f"{cast.unit_u.name} · " in page
    assert f'href="{agreement.get_absolute_url()}">待确认</a>' in page


def test_the_secretary_sees_the_village_and_its_month(client, cast):
    page = _home(client, cast.dave)
    assert "甲一村（甲镇）" in page
    assert f'href="{reverse("ledgers:home")}">填报中</a>' in page
    assert f'href="{reverse("ledgers:pending")}">0 条</a>' in page


def test_the_system_administrators_home_says_what_it_administers(client, cast):
    page = _home(client, make_user("sam", Role.SYSTEM_ADMIN))
    assert "我管理的内容" in page and "账号和角色" in page and "三员分立" in page


def test_the_talent_sees_the_month_of_service_and_where_to_record(client, cast):
    page = _home(client, cast.frank)
    assert "本月服务待办" in page and "每月至少参加 1 次服务活动" in page
    assert f'href="{reverse("ledgers:activity_create")}">登记服务</a>' in page
