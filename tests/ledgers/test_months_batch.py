"""The township confirms several submitted months in one action: each on its own, refusals listed."""

import pytest
from django.test import Client

from ledgers.choices import MonthStatus
from ledgers.models import LedgerMonth
from ledgers.services import confirm_months, ensure_month, submit_month
from pairing.choices import Role
from pairing.models import AuditEvent
from tests.factories import make_user

from .helpers import last_month_day

pytestmark = pytest.mark.django_db


def _submitted(cast, village, actor):
    row = ensure_month(actor=actor, village=village, month=last_month_day())
    return submit_month(actor=actor, ledger_month=row, version=row.version)


def _secretary(village, username):
    return make_user(username, Role.VILLAGE_SECRETARY, village=village)


def test_each_month_is_confirmed_and_audited_on_its_own_and_a_stale_one_is_refused_alone(cast):
    a1 = _submitted(cast, cast.village_a1, cast.dave)
    a2 = _submitted(cast, cast.village_a2, _secretary(cast.village_a2, "amy"))
    outcome = confirm_months(actor=cast.bob, versions={a1.pk: a1.version, a2.pk: a2.version - 1})
    assert [row.pk for row in outcome.confirmed] == [a1.pk]
    [(name, exc)] = outcome.refused
    assert name.startswith("甲二村") and "已被他人更新" in str(exc)
    assert LedgerMonth.objects.get(pk=a1.pk).status == MonthStatus.CONFIRMED
    assert LedgerMonth.objects.get(pk=a2.pk).status == MonthStatus.SUBMITTED
    confirmations = AuditEvent.objects.filter(action="confirm", object_type="ledgers.ledgermonth")
    assert list(confirmations.values_list("object_id", flat=True)) == [str(a1.pk)]


def test_another_townships_month_is_refused_as_missing(cast):
    b1 = _submitted(cast, cast.village_b1, _secretary(cast.village_b1, "ben"))
    outcome = confirm_months(actor=cast.bob, versions={b1.pk: b1.version})
    assert not outcome.confirmed and "不在您的管辖范围内" in str(outcome.refused[0][1])
    assert LedgerMonth.objects.get(pk=b1.pk).status == MonthStatus.SUBMITTED


def test_the_queue_confirms_the_ticked_months_and_lists_what_was_refused(cast):
    a1 = _submitted(cast, cast.village_a1, cast.dave)
    a2 = _submitted(cast, cast.village_a2, _secretary(cast.village_a2, "amy"))
    client = Client()
    client.force_login(cast.bob)
    page = client.get("/ledgers/months/queue/").content.decode()
    assert f'value="{a1.pk}:{a1.version}"' in page and 'data-confirm="确认后本月台账' in page
    response = client.post(
        "/ledgers/months/queue/confirm/",
        {"months": [f"{a1.pk}:{a1.version}", f"{a2.pk}:{a2.version + 5}"]},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said[0].startswith("已确认 1 个月度台账：甲一村")
    assert said[1] == "以下 1 个月度台账未确认，请逐个查看："
    assert said[2].startswith("甲二村") and "已被他人更新" in said[2]


def test_a_county_admin_reads_the_queue_without_ticks(cast):
    _submitted(cast, cast.village_a1, cast.dave)
    client = Client()
    client.force_login(cast.alice)
    page = client.get("/ledgers/months/queue/").content.decode()
    assert "甲一村" in page and 'name="months"' not in page and "确认所选台账" not in page
