"""Irreversible steps ask first: each declares a Chinese question, and its button's form carries it.

portal.js turns `data-confirm` into a dialog whose second button submits (the browser test of the
dialog is tests/browser/test_village_secretary.py); here every irreversible step of every workflow
is checked to have the words, and the pages are checked to hand them to the browser.
"""

import datetime
import re

import pytest
from django.test import Client

from ledgers.models import LedgerMonth
from ledgers.periods import current_month, format_month
from ledgers.services import demands, evaluations, meetings, months, reports
from pairing.choices import AgreementStatus
from pairing.services import agreements
from tests.pairing.test_agreements_support import make_agreement

from .ledgers.helpers import last_month_day

# The steps a person cannot take back on their own: each is undone only by someone else (a reopen)
# or not at all. The reopens themselves are here too: they undo someone else's work.
IRREVERSIBLE = [
    (months.WORKFLOW, "submit"),  # 报送乡镇
    (months.WORKFLOW, "confirm"),  # 确认台账
    (months.WORKFLOW, "lock"),  # 锁定
    (months.WORKFLOW, "reopen"),
    (agreements.WORKFLOW, "submit"),
    (agreements.WORKFLOW, "confirm"),  # 确认协议
    (agreements.WORKFLOW, "sign"),  # 登记签署
    (agreements.WORKFLOW, "close"),  # 关闭
    (agreements.WORKFLOW, "reject"),  # a reopen
    (agreements.WORKFLOW, "amend"),  # a reopen of a signed agreement
    (demands.WORKFLOW, "close"),
    (demands.WORKFLOW, "resolve"),
    (evaluations.WORKFLOW, "forward"),  # 转送单位
    (meetings.WORKFLOW, "finalize"),
    (reports.WORKFLOW, "submit"),
]


@pytest.mark.parametrize(("workflow", "action"), IRREVERSIBLE, ids=[f"{w.name}-{a}" for w, a in IRREVERSIBLE])
def test_every_irreversible_step_says_in_chinese_what_will_happen(workflow, action):
    question = workflow[action].asks(None)
    assert re.search(r"[\u4e00-\u9fff]{8,}", question), f"{workflow.name}.{action} asks nothing"
    assert not re.search(r"[A-Za-z]{3,}", question)


@pytest.mark.django_db
def test_submitting_the_running_month_says_it_has_not_ended(cast):
    running = LedgerMonth(village=cast.village_a1, month=current_month())
    ended = LedgerMonth(village=cast.village_a1, month=last_month_day().replace(day=1))
    assert "还没有结束" in months.WORKFLOW["submit"].asks(running)
    assert "报送后本月台账不能再修改" in months.WORKFLOW["submit"].asks(running)
    assert "还没有结束" not in months.WORKFLOW["submit"].asks(ended)


def _form_asking(html: str, action_url: str) -> str:
    """The data-confirm of the form posting to `action_url` ("" when it asks nothing)."""
    match = re.search(r'<form method="post" action="' + re.escape(action_url) + r'"([^>]*)>', html)
    assert match, f"no form posting to {action_url}"
    asked = re.search(r'data-confirm="([^"]*)"', match.group(1))
    return asked.group(1) if asked else ""


@pytest.mark.django_db
def test_the_month_buttons_ask_before_submitting_and_reopening(cast):
    first = last_month_day().replace(day=1)
    row = months.ensure_month(actor=cast.dave, village=cast.village_a1, month=first)
    base = f"/ledgers/months/{cast.village_a1.pk}/{format_month(first)}/"
    client = Client()
    client.force_login(cast.dave)
    html = client.get(base).content.decode()
    assert "报送后本月台账不能再修改" in _form_asking(html, base + "submit/")

    months.submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    client.force_login(cast.bob)
    html = client.get(base).content.decode()
    assert "确认后本月台账即作为考核依据" in _form_asking(html, base + "confirm/")
    assert "退回后该月台账回到村里修改" in _form_asking(html, base + "reopen/")


@pytest.mark.django_db
def test_the_agreement_buttons_ask_before_confirming_signing_and_rejecting(cast):
    agreement = make_agreement(cast.pairing_u_a1, status=AgreementStatus.SUBMITTED)
    client = Client()
    client.force_login(cast.erin)
    base = f"/agreements/{agreement.pk}/"
    html = client.get(base).content.decode()
    assert "确认后双方即可登记签署" in _form_asking(html, base + "confirm/")
    assert "退回后协议回到草拟状态" in _form_asking(html, base + "reject/")

    type(agreement).objects.filter(pk=agreement.pk).update(status=AgreementStatus.CONFIRMED)
    html = client.get(base).content.decode()
    assert "登记签署后协议生效" in _form_asking(html, base + "sign/")


def test_the_question_is_worded_for_a_day_in_the_month(monkeypatch):
    # On the last day of a month the month is still running: one day is left.
    monkeypatch.setattr(months.local_time, "today", lambda: datetime.date(2026, 11, 30))
    row = LedgerMonth(month=datetime.date(2026, 11, 1))
    assert "2026年11月还没有结束（到11月30日，还有1天）" in months.WORKFLOW["submit"].asks(row)
