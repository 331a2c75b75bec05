"""Demo joint meetings, talent evaluations and township half-year reports (seed_demo builder).

Most pairings meet every half year (a few only drafted the minutes, a few never met: overdue on
the compliance board); the current half year is still in progress. Villages rate most of their
talents each finished quarter and townships forward most ratings; most townships have reported
for past half years. Every random choice comes from ctx.rng; rows go in with bulk_create.
"""

import datetime

from pairing.models import HonoraryVillageHead, Pairing, TalentAssignment, Township

from .choices import EvaluationRating, MeetingStatus, ReportStatus, ResolutionStatus
from .models import JointMeeting, MeetingResolution, TalentEvaluation, TownshipHalfYearReport
from .periods import SHANGHAI, half_label, half_of, half_year_range, quarter_of, quarter_range

HALF_YEARS = 5  # the current one and four before it
QUARTERS = 4  # finished quarters rated
AGENDAS = [
    "通报上半年结对共建项目进展，研究下一阶段资源投入",
    "研究村集体经济发展思路和产业项目",
    "梳理群众急难愁盼问题清单，明确责任分工",
    "审议年度三清单一协议执行情况",
]
RESOLUTIONS = [
    ("协调资金硬化村组道路", 90),
    ("组织农技人员开展果树修剪培训", 30),
    ("为村卫生室协调捐赠医疗设备", 60),
    ("帮助村集体对接农产品销售渠道", 120),
    ("开展法律进村宣讲活动", 45),
]
COMMENTS = {
    EvaluationRating.EXCELLENT: "服务积极主动，群众评价高",
    EvaluationRating.GOOD: "按时参加服务活动，完成认领任务",
    EvaluationRating.FAIR: "能参加活动，主动性有待加强",
    EvaluationRating.POOR: "多次未参加村级服务活动",
}


def _half_years(today):
    year, half = today.year, half_of(today)
    result = []
    for _ in range(HALF_YEARS):
        result.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return result


def _quarters(today):
    year, quarter = today.year, quarter_of(today)
    result = []
    for _ in range(QUARTERS):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        result.append((year, quarter))
    return result


def _meetings(ctx, counties):
    rng, today = ctx.rng, ctx.today
    heads = dict(
        HonoraryVillageHead.objects.filter(pairing__unit__county__in=counties, end_date__isnull=True).values_list(
            "pairing_id", "name"
        )
    )
    pairings = list(Pairing.objects.filter(unit__county__in=counties).select_related("village", "unit").order_by("pk"))
    meetings = []
    for year, half in _half_years(today):
        start, end = half_year_range(year, half)
        last = min(end - datetime.timedelta(days=1), today)
        current = end > today
        for position, pairing in enumerate(pairings):
            if not pairing.is_active_in(year):
                continue
            # The first pairing skips every past half year, so even the small demo has an overdue one.
            roll = 1.0 if position == 0 and not current else rng.random()
            final_share, draft_share = (0.4, 0.1) if current else (0.86, 0.05)
            if roll >= final_share + draft_share:
                continue  # never met: overdue once the half year is over
            status = MeetingStatus.FINAL if roll < final_share else MeetingStatus.DRAFT
            day = start + datetime.timedelta(days=rng.randrange(max((last - start).days, 1)))
            held_at = datetime.datetime(day.year, day.month, day.day, rng.choice([9, 10, 14, 15]), tzinfo=SHANGHAI)
            count = rng.randint(6, 18)
            meetings.append(
                JointMeeting(
                    pairing=pairing,
                    held_at=held_at,
                    place=f"{pairing.village.name}党群服务中心会议室",
                    unit_chair=heads.get(pairing.pk, "名誉村长"),
                    village_chair=pairing.village.secretary_name or "村党组织书记",
                    attendees=f"{pairing.unit.name}班子成员\n{pairing.village.name}两委成员\n驻村城市人才代表",
                    attendee_count=count,
                    agenda=rng.choice(AGENDAS),
                    minutes=""
                    if status == MeetingStatus.DRAFT and rng.random() < 0.5
                    else "会议听取了结对共建工作汇报，研究确定了下一阶段重点事项。",
                    status=status,
                    created_at=held_at + datetime.timedelta(hours=3),
                    updated_at=held_at + datetime.timedelta(days=1),
                    finalized_at=held_at + datetime.timedelta(days=rng.randint(1, 5))
                    if status == MeetingStatus.FINAL
                    else None,
                )
            )
    JointMeeting.objects.bulk_create(meetings, batch_size=ctx.batch_size)
    resolutions = []
    for meeting in meetings:
        for content, days in rng.sample(RESOLUTIONS, rng.randint(1, 3)):
            due = (meeting.held_at + datetime.timedelta(days=days)).date()
            if due < today:
                status = rng.choices(list(ResolutionStatus), [1, 2, 7])[0]
            else:
                status = rng.choices(list(ResolutionStatus), [5, 4, 1])[0]
            resolutions.append(
                MeetingResolution(
                    meeting_id=meeting.pk,
                    content=content,
                    responsible=meeting.unit_chair if rng.random() < 0.5 else meeting.village_chair,
                    due_date=due,
                    follow_up_status=status,
                    follow_up_note="已按期完成" if status == ResolutionStatus.DONE else "",
                    updated_at=meeting.updated_at,
                )
            )
    MeetingResolution.objects.bulk_create(resolutions, batch_size=ctx.batch_size)
    return len(meetings), len(resolutions)


def _evaluations(ctx, counties):
    rng = ctx.rng
    rows = []
    for year, quarter in _quarters(ctx.today):
        end = quarter_range(year, quarter)[1]
        assignments = TalentAssignment.objects.filter(talent__county__in=counties, year=year).order_by("pk")
        for talent_id, village_id in assignments.values_list("talent_id", "village_id"):
            if rng.random() > 0.9:
                continue
            rating = rng.choices(list(EvaluationRating), [25, 50, 20, 5])[0]
            evaluated = ctx.aware(end + datetime.timedelta(days=rng.randint(1, 10)), rng.randint(9, 18))
            forwarded = rng.random() < (0.5 if (ctx.today - end).days < 30 else 0.9)
            rows.append(
                TalentEvaluation(
                    talent_id=talent_id,
                    village_id=village_id,
                    year=year,
                    quarter=quarter,
                    rating=rating,
                    score={"excellent": 92, "good": 83, "fair": 70, "poor": 52}[rating] + rng.randint(-4, 4),
                    comment=COMMENTS[rating],
                    evaluated_at=evaluated,
                    updated_at=evaluated,
                    forwarded_at=evaluated + datetime.timedelta(days=rng.randint(2, 9)) if forwarded else None,
                )
            )
    TalentEvaluation.objects.bulk_create(rows, batch_size=ctx.batch_size)
    return len(rows)


def _reports(ctx, counties):
    rng = ctx.rng
    rows = []
    for year, half in _half_years(ctx.today)[1:]:  # the current half year is not over yet
        end = half_year_range(year, half)[1]
        for township in Township.objects.filter(county__in=counties).order_by("pk"):
            roll = rng.random()
            if roll > 0.95:
                continue
            submitted = roll < 0.85
            at = ctx.aware(end + datetime.timedelta(days=rng.randint(3, 20)), rng.randint(9, 17))
            rows.append(
                TownshipHalfYearReport(
                    township=township,
                    year=year,
                    half=half,
                    status=ReportStatus.SUBMITTED if submitted else ReportStatus.DRAFT,
                    summary=f"{township.name}{half_label(year, half)}结对帮扶工作总结。",
                    updated_at=at,
                    submitted_at=at if submitted else None,
                )
            )
    TownshipHalfYearReport.objects.bulk_create(rows, batch_size=ctx.batch_size)
    return len(rows)


def build(ctx) -> None:
    counties = ctx.counties
    meetings, resolutions = _meetings(ctx, counties)
    evaluations = _evaluations(ctx, counties)
    reports = _reports(ctx, counties)
    ctx.log(
        f"  联席会议：{meetings} 次，议定事项 {resolutions} 条；"
        f"在村工作表现评定 {evaluations} 条；乡镇半年报告 {reports} 份"
    )
