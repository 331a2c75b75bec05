"""One row of every kind the pages edit, on top of the fixed cast, each with its optional dates set
(an empty date would hide exactly the bug the form tests look for). No tests here.

Every row belongs to village A1 / township A / unit U, so dave (the A1 secretary), bob (township A),
erin (unit U's liaison) and alice (the county) are the people who work on them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from ledgers.choices import ActivityKind, DemandType
from ledgers.models import Demand, JointMeeting, MeetingResolution, ServiceActivity, TalentEvaluation
from ledgers.models.reports import TownshipHalfYearReport
from ledgers.periods import half_of, quarter_of
from ledgers.services import ParticipantInput, record_activity
from ledgers.services import evaluations as evaluation_service
from ledgers.services import meetings as meeting_service
from ledgers.services import reports as report_service
from ledgers.services.activities import ActivityInput
from ledgers.services.demands import DemandInput, publish_demand
from pairing.choices import AgreementStatus, DemandCategory, DemandPriority, ResourceKind
from pairing.models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    HonoraryVillageHead,
)


@dataclass
class Rows:
    agreement: Agreement
    resource_item: AgreementResourceItem
    demand_item: AgreementDemandItem
    project_item: AgreementProjectItem
    past_head: HonoraryVillageHead
    activity: ServiceActivity
    demand: Demand
    meeting: JointMeeting
    resolution: MeetingResolution
    evaluation: TalentEvaluation
    report: TownshipHalfYearReport


def build_rows(cast) -> Rows:
    today = timezone.localdate()
    year = today.year
    agreement = Agreement.objects.create(pairing=cast.pairing_u_a1, year=year, status=AgreementStatus.DRAFT)
    resource_item = AgreementResourceItem.objects.create(
        agreement=agreement,
        kind=ResourceKind.FUNDS,
        description="帮扶资金",
        amount=Decimal("5"),
        unit_of_measure="万元",
    )
    demand_item = AgreementDemandItem.objects.create(
        agreement=agreement,
        category=DemandCategory.INFRASTRUCTURE,
        description="村道硬化",
        priority=DemandPriority.HIGH,
        expected_by=datetime.date(year, 12, 2),
    )
    project_item = AgreementProjectItem.objects.create(
        agreement=agreement,
        name="村道硬化工程",
        content="硬化村道 1.2 公里",
        planned_investment=Decimal("5.00"),
        unit_owner="王局长",
        village_owner="李书记",
        start_date=datetime.date(year, 3, 1),
        end_date=datetime.date(year, 10, 31),
    )
    project_item.demands.add(demand_item)
    project_item.resources.add(resource_item)
    past_head = HonoraryVillageHead.objects.create(
        pairing=cast.pairing_u_a1,
        name="赵前局长",
        position="原局长",
        phone="13500135000",
        start_date=datetime.date(year - 1, 1, 5),
        end_date=datetime.date(year - 1, 12, 30),
    )
    activity = record_activity(
        actor=cast.dave,
        village=cast.village_a1,
        data=ActivityInput(
            date=today,
            kind=ActivityKind.VISIT,
            title="入户走访",
            content="走访困难户，了解生产生活需求",
            location="村部",
            beneficiaries=5,
            participants=(ParticipantInput(talent=cast.talent_t, hours=Decimal("2")),),
        ),
    )
    demand = publish_demand(
        actor=cast.dave,
        village=cast.village_a1,
        data=DemandInput(
            type=DemandType.NEED,
            category=DemandCategory.INFRASTRUCTURE,
            title="修缮村道路灯",
            description="村东路段路灯损坏，群众夜间出行不便",
            people_wanted=2,
            due_date=today + datetime.timedelta(days=30),
        ),
    )
    # A meeting an hour ago, to the minute (a datetime-local input carries no seconds).
    held_at = (timezone.localtime() - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    meeting = meeting_service.create_meeting(
        actor=cast.erin,
        pairing=cast.pairing_u_a1,
        data=meeting_service.MeetingInput(
            held_at=held_at,
            place="村部会议室",
            unit_chair="王局长",
            village_chair="李书记",
            attendee_count=8,
            agenda="研究结对共建项目",
            minutes="会议议定三件事。",
            attendee_talents=(cast.talent_t,),
        ),
    )
    resolution = meeting_service.add_resolution(
        actor=cast.erin,
        meeting=meeting,
        data=meeting_service.ResolutionInput(
            content="年底前完成村道硬化",
            responsible="王局长",
            due_date=today + datetime.timedelta(days=60),
            follow_up_status="not_started",
            follow_up_note="",
        ),
    )
    evaluation = evaluation_service.record_evaluation(
        actor=cast.dave,
        talent=cast.talent_t,
        village=cast.village_a1,
        year=year,
        quarter=quarter_of(today),
        data=evaluation_service.EvaluationInput(rating="excellent", score=95, comment="服务认真"),
    )
    report = report_service.save_report(
        actor=cast.bob, township=cast.township_a, year=year, half=half_of(today), summary="上半年工作总结"
    )
    return Rows(
        agreement=agreement,
        resource_item=resource_item,
        demand_item=demand_item,
        project_item=project_item,
        past_head=past_head,
        activity=activity,
        demand=demand,
        meeting=meeting,
        resolution=resolution,
        evaluation=evaluation,
        report=report,
    )
