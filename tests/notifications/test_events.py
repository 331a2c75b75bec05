"""Event notifications: each event reaches exactly its recipients, after commit, once."""

import datetime

import pytest
from django.db import transaction

from ledgers import sms
from ledgers.choices import NotificationKind
from ledgers.models import LedgerMonth, Notification, TalentEvaluation
from ledgers.services import confirm_activity, confirm_month, lock_month, reject_activity, reopen_month, submit_month
from ledgers.services.demands import claim_demand, close_demand
from ledgers.services.evaluations import forward_evaluations
from pairing.choices import AgreementStatus, Role
from pairing.services import agreements as agreement_service
from tests.factories import make_user
from tests.ledgers.helpers import last_month_day, record
from tests.ledgers.test_demands_support import publish
from tests.pairing.test_agreements_support import make_agreement, pdf_upload

pytestmark = pytest.mark.django_db


def received(event_template_title_part=None):
    """{recipient username or talent name: titles} of the notices written."""
    result = {}
    for n in Notification.objects.filter(kind=NotificationKind.NOTICE).select_related("recipient", "talent"):
        who = n.recipient.username if n.recipient else n.talent.name
        result.setdefault(who, []).append(n.title)
    return result


def test_a_claim_tells_the_village_and_the_claimer_after_commit(cast, django_capture_on_commit_callbacks):
    demand = publish(cast, people=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim_demand(actor=cast.frank, demand=demand)
        assert not Notification.objects.filter(kind=NotificationKind.NOTICE).exists()  # not before commit
    assert callbacks
    assert set(received()) == {"dave", "frank"}
    assert "张三认领了需求" in received()["dave"][0]


def test_nothing_is_told_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    demand = publish(cast, people=2)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        claim_demand(actor=cast.frank, demand=demand)
        raise RuntimeError
    assert received() == {}


def test_closing_a_demand_tells_the_unit_that_claimed_it(cast, django_capture_on_commit_callbacks):
    demand = publish(cast, people=2)
    claim_demand(actor=cast.erin, demand=demand)
    with django_capture_on_commit_callbacks(execute=True):
        close_demand(actor=cast.dave, demand=demand, reason="村里已自行解决")
    assert set(received()) == {"dave", "erin"}


def _month(cast):
    record(cast.dave, cast.village_a1, day=last_month_day(), talents=[cast.talent_t])
    return LedgerMonth.objects.get(village=cast.village_a1, month=last_month_day().replace(day=1))


def test_the_month_workflow_tells_the_township_then_the_village(cast, django_capture_on_commit_callbacks):
    row = _month(cast)
    with django_capture_on_commit_callbacks(execute=True):
        row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    assert set(received()) == {"bob"}  # township A's officer, not carol (township B)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        row = confirm_month(actor=cast.bob, ledger_month=row, version=row.version)
    assert received() == {"dave": [f"{row.month.year}年{row.month.month}月工作台账已确认"]}
    with django_capture_on_commit_callbacks(execute=True):
        row = lock_month(actor=cast.alice, ledger_month=row, version=row.version)
        row = reopen_month(actor=cast.alice, ledger_month=row, version=row.version, reason="数据有误")
    titles = received()["dave"]
    assert len(titles) == 3 and any("归档" in t for t in titles) and any("退回" in t for t in titles)
    link = Notification.objects.filter(recipient=cast.dave).first().link
    assert link == row.get_absolute_url()


def test_confirming_or_rejecting_a_self_recorded_activity_tells_its_recorder(cast, django_capture_on_commit_callbacks):
    day = last_month_day()
    mine = record(cast.frank, cast.village_a1, day=day, talents=[cast.talent_t])
    other = record(cast.frank, cast.village_a1, day=day, talents=[cast.talent_t], title="政策宣讲")
    with django_capture_on_commit_callbacks(execute=True):
        confirm_activity(actor=cast.dave, activity=mine)
        reject_activity(actor=cast.dave, activity=other, reason="照片不清楚")
    titles = received()
    assert set(titles) == {"frank"} and len(titles["frank"]) == 2
    assert any("被退回" in t for t in titles["frank"])


def _agreement_step(action, actor, agreement, **extra):
    agreement.refresh_from_db()
    if action == "submit":
        return agreement_service.submit(actor=actor, agreement=agreement, expected_version=agreement.version)
    if action == "confirm":
        return agreement_service.confirm(actor=actor, agreement=agreement, expected_version=agreement.version)
    if action == "reject":
        return agreement_service.reject(
            actor=actor, agreement=agreement, reason="清单不全", expected_version=agreement.version
        )
    return agreement_service.sign(
        actor=actor, agreement=agreement, expected_version=agreement.version, signed_on=datetime.date.today(),
        scan=pdf_upload(),
    )  # fmt: skip


def test_agreements_tell_the_unit_on_submit_and_both_parties_afterwards(cast, django_capture_on_commit_callbacks):
    agreement = make_agreement(cast.pairing_u_a1, year=datetime.date.today().year)
    with django_capture_on_commit_callbacks(execute=True):
        _agreement_step("submit", cast.dave, agreement)
    assert set(received()) == {"erin"}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _agreement_step("reject", cast.erin, agreement)
    assert set(received()) == {"erin", "dave"}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _agreement_step("submit", cast.dave, agreement)
        _agreement_step("confirm", cast.erin, agreement)
        _agreement_step("sign", cast.erin, agreement)
    got = received()
    assert len(got["erin"]) == 3 and len(got["dave"]) == 2  # submitted goes to the unit only
    assert agreement.__class__.objects.get(pk=agreement.pk).status == AgreementStatus.SIGNED


def test_a_forwarded_evaluation_tells_the_talents_unit(cast, django_capture_on_commit_callbacks):
    row = TalentEvaluation.objects.create(
        talent=cast.talent_t, village=cast.village_a1, year=2026, quarter=1, rating="excellent", evaluated_by=cast.dave
    )
    other_liaison = make_user("victor", Role.UNIT_LIAISON, unit=cast.unit_v)
    with django_capture_on_commit_callbacks(execute=True):
        forward_evaluations(actor=cast.bob, evaluations=[row])
        forward_evaluations(actor=cast.bob, evaluations=[row])  # the second forwards nothing
    assert received() == {"erin": ["张三的2026年第1季度评价已转送"]}
    assert other_liaison.notifications.count() == 0


def test_grades_reach_talents_with_and_without_an_account(cast, django_capture_on_commit_callbacks):
    from ledgers.events import notify_grades_confirmed

    sms.outbox.clear()
    grades = {cast.talent_t.pk: "优秀", cast.talent_t2.pk: "良好"}
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_grades_confirmed(year=2026, grades=grades) == 2
        assert notify_grades_confirmed(year=2026, grades=grades) == 0
    assert set(received()) == {"frank", "李四"}
    assert [phone for phone, _ in sms.outbox] == [cast.talent_t2.phone]
