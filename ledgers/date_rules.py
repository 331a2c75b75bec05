"""The ledger's date rules, in the shape of pairing/date_rules.py (field, rule, message).

Facts the services pass in:
- `participants` (activities): the ParticipantInput rows being recorded;
- `recorded_held_at` (meetings, on edit): the meeting time as first recorded, which fixes the
  half year the meeting counts for (the compliance board counts one meeting per half year).
"""

import datetime

from django.utils import timezone

from pairing.core.local_time import local_date, today
from pairing.date_rules import DateRule, Window, until_today
from pairing.models import Pairing, TalentAssignment

from .periods import half_label, half_of, half_year_range, quarter_label, quarter_range


def _half_recorded(meeting, facts) -> list[Window]:
    recorded = facts.get("recorded_held_at")
    if recorded is None:
        return []
    day = local_date(recorded)
    start, end = half_year_range(day.year, half_of(day))
    return [Window(start, end - datetime.timedelta(days=1), {"half": half_label(day.year, half_of(day))})]


def _pairing_start(meeting, facts) -> list[Window]:
    start_year = meeting.pairing.start_year
    return [Window(earliest=datetime.date(start_year, 1, 1), params={"start_year": start_year})]


def _paired_units_start(activity, facts) -> list[Window]:
    units = {p.unit.pk: p.unit for p in facts.get("participants", ()) if p.unit is not None}
    pairings = Pairing.objects.filter(village_id=activity.village_id, unit_id__in=units)
    return [
        Window(
            earliest=datetime.date(p.start_year, 1, 1),
            params={"unit": units[p.unit_id].name, "start_year": p.start_year},
        )
        for p in pairings
    ]


def _assignment_start(activity, facts) -> list[Window]:
    talents = {p.talent.pk: p.talent for p in facts.get("participants", ()) if p.talent is not None}
    first_years: dict[int, int] = {}
    for talent_id, year in TalentAssignment.objects.filter(
        village_id=activity.village_id, talent_id__in=talents
    ).values_list("talent_id", "year"):
        first_years[talent_id] = min(year, first_years.get(talent_id, year))
    return [
        Window(earliest=datetime.date(year, 1, 1), params={"talent": talents[talent_id].name, "year": year})
        for talent_id, year in first_years.items()
    ]


def _published(demand, facts) -> list[Window]:
    return [Window(earliest=local_date(demand.published_at) if demand.published_at else today())]


def _quarter_start(evaluation):
    return quarter_range(evaluation.year, evaluation.quarter)[0] if evaluation.year and evaluation.quarter else None


RULES: tuple[DateRule, ...] = (
    DateRule(
        code="meeting_not_in_future",
        model="ledgers.jointmeeting",
        field="held_at",
        rule="召开时间不晚于现在",
        message="召开时间不能晚于现在，请在会后登记。",
        window=lambda meeting, facts: [Window(latest=timezone.now())],
    ),
    DateRule(
        code="meeting_within_recorded_half_year",
        model="ledgers.jointmeeting",
        field="held_at",
        rule="召开时间在会议登记的半年之内",
        message="召开时间应在该会议登记的{half}之内；登记错了半年的会议，请删除后重新登记。",
        window=_half_recorded,
    ),
    DateRule(
        code="meeting_not_before_pairing_start",
        model="ledgers.jointmeeting",
        field="held_at",
        rule="召开时间不早于结对关系的起始年度",
        message="召开时间不能早于结对关系的起始年度（{start_year}年）。",
        window=_pairing_start,
    ),
    DateRule(
        code="activity_not_in_future",
        model="ledgers.serviceactivity",
        field="date",
        rule="活动日期不晚于今天",
        message="活动日期不能晚于今天。",
        window=until_today,
    ),
    DateRule(
        code="activity_not_before_pairing_start",
        model="ledgers.serviceactivity",
        field="date",
        rule="单位集体参与的活动，日期不早于该单位与本村结对的起始年度",
        message="活动日期不能早于{unit}与本村结对的起始年度（{start_year}年）。",
        window=_paired_units_start,
    ),
    DateRule(
        code="activity_not_before_assignment_year",
        model="ledgers.serviceactivity",
        field="date",
        rule="城市人才参与的活动，日期不早于其分配到本村服务的年度",
        message="活动日期不能早于{talent}分配到本村服务的年度（{year}年）。",
        window=_assignment_start,
    ),
    DateRule(
        code="demand_due_not_before_publication",
        model="ledgers.demand",
        field="due_date",
        rule="期望完成日期不早于发布日期",
        message="期望完成日期不能早于发布日期（{earliest}）。",
        window=_published,
    ),
    DateRule(
        code="evaluation_quarter_not_in_future",
        model="ledgers.talentevaluation",
        field="quarter",
        rule="评定的季度已经开始",
        message="不能评定尚未开始的季度（{period}）。",
        window=lambda evaluation, facts: [
            Window(latest=today(), params={"period": quarter_label(evaluation.year, evaluation.quarter)})
        ],
        value=_quarter_start,
    ),
)
