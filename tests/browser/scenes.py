"""Data the journeys start from, built through the services on top of the fixed cast (tests/factories.py).

Each builder adds only what its journey needs and returns what the journey looks for on screen.
"""

import datetime

from django.utils import timezone

from ledgers import services as ledger_services
from ledgers.choices import ActivityKind, MeetingStatus
from ledgers.models import JointMeeting, TalentEvaluation
from ledgers.periods import current_month, month_start
from pairing.choices import AgreementStatus, Role
from pairing.models import TalentAssignment, UrbanTalent
from tests.factories import make_user
from tests.ledgers.helpers import record
from tests.ledgers.test_demands_support import publish
from tests.pairing.test_agreements_support import make_agreement


def second_talent_for_a1(cast) -> UrbanTalent:
    """A second talent serving 甲一村 this year (the cast has one), from the paired unit U."""
    talent = UrbanTalent.objects.create(
        county=cast.county, unit=cast.unit_u, name="赵敏", gender="female", phone="13500135000"
    )
    TalentAssignment.objects.create(talent=talent, village=cast.village_a1, year=cast.assignment_t.year)
    return talent


def talent_for_a2(cast) -> UrbanTalent:
    """钱七 of unit V, serving 甲二村 this year (the cast has no talent there)."""
    talent = UrbanTalent.objects.create(county=cast.county, unit=cast.unit_v, name="钱七", gender="male")
    TalentAssignment.objects.create(talent=talent, village=cast.village_a2, year=cast.assignment_t.year)
    return talent


def talents_own_service(cast, *, title="代办医保缴费"):
    """Frank (talent T) records his own service in 甲一村: it waits in the village's 待确认 queue."""
    return record(
        cast.frank, cast.village_a1, talents=(cast.talent_t,), kind=ActivityKind.MICRO_SERVICE, title=title, hours="1.5"
    )


def secretary_of_a2(cast):
    return make_user("amy", Role.VILLAGE_SECRETARY, village=cast.village_a2)


def last_month() -> datetime.date:
    return month_start(current_month() - datetime.timedelta(days=1))


def serving_last_month(previous: datetime.date, *talent_villages) -> None:
    """In January last month lies in last year: the talents served the same villages then too."""
    for talent, village in talent_villages:
        TalentAssignment.objects.get_or_create(talent=talent, village=village, year=previous.year)


def submitted_months(cast) -> list:
    """Three months waiting in township A's queue: 甲一村 and 甲二村 last month, 甲一村 this month.

    Each activity is recorded by its village's secretary (so confirmed at once); 甲一村's last month
    has a few, with two talents, so its ledger reads like a month's work. Then each is submitted.
    """
    amy = secretary_of_a2(cast)
    zhao, qian = second_talent_for_a1(cast), talent_for_a2(cast)
    previous = last_month()
    serving_last_month(previous, (cast.talent_t, cast.village_a1), (zhao, cast.village_a1), (qian, cast.village_a2))
    t, a1 = cast.talent_t, cast.village_a1
    for day, kind, talents, title, content, people in (
        (3, ActivityKind.VISIT, (t,), "上月入户走访", "走访困难户 8 户，了解生产生活需求", 8),
        (12, ActivityKind.POLICY_TALK, (t, zhao), "惠农政策宣讲", "在村党群服务中心宣讲耕地保护和农业补贴政策", 46),
        (21, ActivityKind.MICRO_SERVICE, (zhao,), "代办社保认证", "为 15 位老人上门办理养老保险资格认证", 15),
    ):
        record(
            cast.dave,
            a1,
            day=previous.replace(day=day),
            kind=kind,
            talents=talents,
            title=title,
            content=content,
            beneficiaries=people,
        )
    record(amy, cast.village_a2, day=previous.replace(day=10), talents=(qian,), title="上月政策宣讲")
    record(cast.dave, a1, day=current_month(), talents=(t,), title="本月主题党日")
    rows = []
    for secretary, village, month in (
        (cast.dave, a1, previous),
        (amy, cast.village_a2, previous),
        (cast.dave, a1, current_month()),
    ):
        row = ledger_services.ensure_month(actor=secretary, village=village, month=month)
        rows.append(ledger_services.submit_month(actor=secretary, ledger_month=row, version=row.version))
    return rows


def draft_agreement(cast):
    """This year's agreement of unit U and 甲一村, drafted with one line in each list."""
    return make_agreement(cast.pairing_u_a1, status=AgreementStatus.DRAFT)


def county_last_month(cast):
    """Last month in 测试县, as the county sees it on the compliance board.

    甲一村 (township A): talents 张三 and 赵敏 served, unit U took part, the month was submitted, and
    this year's agreement is signed. 乙一村 (township B): talent 李四 did not serve, nothing was
    submitted, and its agreement is still a draft. 甲二村 has a talent, 钱七, who did not serve.
    """
    zhao, qian = second_talent_for_a1(cast), talent_for_a2(cast)
    previous = last_month()
    serving_last_month(
        previous,
        (cast.talent_t, cast.village_a1),
        (zhao, cast.village_a1),
        (cast.talent_t2, cast.village_b1),
        (qian, cast.village_a2),
    )
    record(
        cast.dave,
        cast.village_a1,
        day=previous.replace(day=8),
        kind=ActivityKind.THEME,
        talents=(cast.talent_t, zhao),
        units=(cast.unit_u,),
        title="主题党日",
        beneficiaries=30,
    )
    row = ledger_services.ensure_month(actor=cast.dave, village=cast.village_a1, month=previous)
    ledger_services.submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    make_agreement(cast.pairing_u_a1, status=AgreementStatus.SIGNED)  # this year's
    make_agreement(cast.pairing_v_b1, status=AgreementStatus.DRAFT)
    return previous


def a_months_work(cast):
    """Rows on every list: submitted months, activities, a demand, a meeting, an evaluation, agreements."""
    submitted_months(cast)
    publish(cast, title="修缮村道路灯")
    make_agreement(cast.pairing_u_a1, status=AgreementStatus.SIGNED, year=timezone.localdate().year)
    make_agreement(cast.pairing_v_b1, status=AgreementStatus.SUBMITTED, year=timezone.localdate().year)
    JointMeeting.objects.create(
        pairing=cast.pairing_u_a1,
        held_at=timezone.now() - datetime.timedelta(days=3),
        place="甲一村党群服务中心会议室",
        unit_chair="王局长",
        village_chair="李书记",
        attendee_count=12,
        agenda="研究茶园提质增效项目",
        minutes="纪要",
        status=MeetingStatus.FINAL,
        finalized_at=timezone.now(),
    )
    last = last_month()
    TalentEvaluation.objects.create(
        talent=cast.talent_t, village=cast.village_a1, year=last.year, quarter=(last.month - 1) // 3 + 1, score=92
    )
