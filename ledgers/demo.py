"""Demo ledger: about three years of service activities and month closes (seed_demo builder).

Realistic density: most talents serve once or twice a month and some skip months; villages
differ (diligent ones close every month on time, lagging ones miss activities and submit late);
each paired unit contacts its village in most months (000 §四(一)1). Months are in every state:
the current one open, recent ones submitted or confirmed, older ones locked. Rows are inserted
with bulk_create in batches; every random choice comes from ctx.rng.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from pairing.choices import Role
from pairing.models import Pairing, TalentAssignment, Village

from .choices import ActivityKind, ActivityStatus, MonthStatus
from .models import ActivityParticipant, LedgerMonth, ServiceActivity
from .periods import month_start, next_month
from .services.service_months import rebuild_service_months

MONTHS = 36
# (share of villages, chance a talent serves in a given month, chance the month is closed on time)
VILLAGE_HABITS = {
    "diligent": (0.35, 0.96, 0.97),
    "steady": (0.45, 0.86, 0.85),
    "lagging": (0.20, 0.62, 0.55),
}
KINDS = [
    (ActivityKind.VISIT, 26),
    (ActivityKind.MICRO_SERVICE, 26),
    (ActivityKind.THEME, 14),
    (ActivityKind.POLICY_TALK, 12),
    (ActivityKind.PROJECT, 9),
    (ActivityKind.RESOURCE, 5),
    (ActivityKind.OTHER, 6),
]
TITLES = {
    ActivityKind.VISIT: [
        ("入户走访", "走访脱贫户和监测户，了解生产生活困难"),
        ("民情恳谈", "召开院坝会，收集群众意见建议"),
    ],
    ActivityKind.MICRO_SERVICE: [
        ("代办医保缴费", "为行动不便老人代办城乡居民医保缴费"),
        ("义诊服务", "为村民测量血压血糖，讲解慢病防治"),
        ("法律咨询", "解答土地流转、赡养纠纷等法律问题"),
        ("农技指导", "到田间指导病虫害防治和科学施肥"),
    ],
    ActivityKind.THEME: [
        ("主题党日", "与村党员一起学习，开展志愿服务"),
        ("文明乡村创建", "清理村内卫生死角，宣传移风易俗"),
    ],
    ActivityKind.POLICY_TALK: [("政策宣讲", "宣讲惠农补贴和乡村振兴政策"), ("防诈宣传", "讲解电信网络诈骗常见手法")],
    ActivityKind.PROJECT: [("共建项目推进", "协调推进结对共建项目建设进度")],
    ActivityKind.RESOURCE: [("资源投入", "协调单位捐赠办公设备和图书")],
    ActivityKind.OTHER: [("其他服务", "协助村里完成人口信息更新")],
}
BENEFICIARIES = {
    ActivityKind.VISIT: (3, 15),
    ActivityKind.MICRO_SERVICE: (2, 40),
    ActivityKind.THEME: (15, 80),
    ActivityKind.POLICY_TALK: (20, 120),
    ActivityKind.PROJECT: (30, 300),
    ActivityKind.RESOURCE: (10, 200),
    ActivityKind.OTHER: (1, 20),
    ActivityKind.UNIT_CONTACT: (0, 10),
}
HOURS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("4")]
REJECT_REASONS = ["活动时长填写有误，请核实", "缺少现场照片，请补充", "活动内容过于简单，请补充"]


class _Batch:
    """Activities with their participants, written together once enough have piled up."""

    def __init__(self, size: int):
        self.size = size
        self.items: list[tuple[ServiceActivity, list[ActivityParticipant]]] = []
        self.written = 0

    def add(self, activity, participants):
        self.items.append((activity, participants))
        if len(self.items) >= self.size:
            self.flush()

    def flush(self):
        if not self.items:
            return
        ServiceActivity.objects.bulk_create([a for a, _ in self.items], batch_size=self.size)
        rows = []
        for activity, participants in self.items:
            for participant in participants:
                participant.activity_id = activity.pk  # the id, not the descriptor: 250k rows add up
                rows.append(participant)
        ActivityParticipant.objects.bulk_create(rows, batch_size=self.size)
        self.written += len(self.items)
        self.items = []


def _months(ctx) -> list[datetime.date]:
    first = month_start(ctx.today)
    months = [first]
    for _ in range(MONTHS - 1):
        months.append(month_start(months[-1] - datetime.timedelta(days=1)))
    return sorted(months)


def _ensure_past_assignments(ctx, counties, years: list[int]) -> None:
    """Talents served in earlier years too: extend each talent's earliest assignment backwards."""
    have = defaultdict(dict)
    for talent_id, year, village_id in (
        TalentAssignment.objects.filter(talent__county__in=counties)
        .order_by("talent_id", "year")
        .values_list("talent_id", "year", "village_id")
    ):
        have[talent_id][year] = village_id
    rows = []
    for talent_id, by_year in have.items():
        earliest = min(by_year)
        for year in years:
            if year < earliest and ctx.rng.random() < 0.8:
                rows.append(
                    TalentAssignment(
                        talent_id=talent_id,
                        village_id=by_year[earliest],
                        year=year,
                        created_at=ctx.aware(datetime.date(year, 1, 10)),
                        note="往年分配（演示）",
                    )
                )
    TalentAssignment.objects.bulk_create(rows, batch_size=ctx.batch_size)


def _month_status(rng, age: int, on_time: float) -> str:
    """Age 0 is the current month. Older months are further along the close."""
    if age == 0:
        return MonthStatus.OPEN
    if age == 1:
        return rng.choices([MonthStatus.OPEN, MonthStatus.SUBMITTED, MonthStatus.CONFIRMED], [1 - on_time, 0.5, 0.5])[0]
    if age <= 3:
        late = rng.random() > on_time
        return MonthStatus.SUBMITTED if late else MonthStatus.CONFIRMED
    return MonthStatus.LOCKED if rng.random() < 0.97 else MonthStatus.CONFIRMED


def build(ctx) -> None:
    """Fill the demo counties' villages with ~3 years of activities and month closes."""
    rng = ctx.rng
    counties = ctx.counties
    months = _months(ctx)
    years = sorted({m.year for m in months})
    _ensure_past_assignments(ctx, counties, years)

    villages = list(Village.objects.filter(township__county__in=counties).select_related("township").order_by("pk"))
    assigned = defaultdict(list)  # (village_id, year) -> [talent_id]
    for village_id, year, talent_id in (
        TalentAssignment.objects.filter(village__in=villages, year__in=years)
        .order_by("village_id", "year", "talent_id")
        .values_list("village_id", "year", "talent_id")
    ):
        assigned[(village_id, year)].append(talent_id)
    pairings = defaultdict(list)
    for pairing in Pairing.objects.filter(village__in=villages).order_by("pk"):
        pairings[pairing.village_id].append(pairing)

    secretary = ctx.accounts.get(Role.VILLAGE_SECRETARY)
    secretary = secretary.user if secretary else None
    township_officer = ctx.accounts.get(Role.TOWNSHIP_OFFICER)
    township_officer = township_officer.user if township_officer else None
    habits = list(VILLAGE_HABITS.values())
    kinds, kind_weights = zip(*KINDS, strict=True)

    batch = _Batch(max(ctx.batch_size, 2000))
    month_rows = []
    for village in villages:
        serve_chance, on_time = rng.choices([(h[1], h[2]) for h in habits], [h[0] for h in habits])[0]
        recorder = secretary if secretary and secretary.village_id == village.pk else None
        for age, first in enumerate(reversed(months)):
            status = _month_status(rng, age, on_time)
            month_end = next_month(first) - datetime.timedelta(days=1)
            last_day = min(month_end, ctx.today)
            days = (last_day - first).days + 1
            # The current month has run only `days` of its days, so it has that share of a month's
            # services (on the 1st, about one day's worth, not the whole month dated today).
            share = days / ((month_end - first).days + 1)

            def a_day(first=first, days=days):
                return first + datetime.timedelta(days=rng.randrange(days))

            # Talents: most serve once or twice a month; group some services into shared activities.
            slots = []
            for talent_id in assigned[(village.pk, first.year)]:
                if rng.random() < serve_chance:
                    slots.extend([talent_id] * rng.choices([1, 2, 3], [0.58, 0.36, 0.06])[0])
            if share < 1:
                slots = [talent_id for talent_id in slots if rng.random() < share]
            rng.shuffle(slots)
            while slots:
                group = []
                for _ in range(rng.choices([1, 2, 3], [0.55, 0.3, 0.15])[0]):
                    if slots and slots[-1] not in group:
                        group.append(slots.pop())
                if not group:
                    group.append(slots.pop())
                kind = rng.choices(kinds, kind_weights)[0]
                batch.add(
                    _activity(ctx, village, kind, a_day(), status, recorder),
                    [ActivityParticipant(talent_id=t, hours=rng.choice(HOURS)) for t in group],
                )
            # The paired unit's monthly contact (000 §四(一)1), missed now and then.
            for pairing in pairings[village.pk]:
                if pairing.is_active_in(first.year) and rng.random() < serve_chance * share:
                    batch.add(
                        _activity(ctx, village, ActivityKind.UNIT_CONTACT, a_day(), status, recorder),
                        [ActivityParticipant(unit_id=pairing.unit_id, hours=rng.choice(HOURS[:4]))],
                    )
            month_rows.append(_month_row(ctx, rng, village, first, last_day, status, recorder, township_officer))
    batch.flush()
    LedgerMonth.objects.bulk_create(month_rows, batch_size=ctx.batch_size)
    # Bulk inserts bypass the services, which keep the monthly rollup: rebuild it once for all.
    rebuild_service_months([v.pk for v in villages], batch_size=max(ctx.batch_size, 2000))
    ctx.log(f"  工作台账：{batch.written} 条服务活动，{len(month_rows)} 个村月台账")


def _activity(ctx, village, kind, day, month_status, recorder) -> ServiceActivity:
    rng = ctx.rng
    title, content = rng.choice(TITLES.get(kind, [("单位联系", "单位负责同志到村对接需求、协商服务事项")]))
    low, high = BENEFICIARIES[kind]
    state = ActivityStatus.CONFIRMED
    # Pending records only in open months: a month cannot be submitted with any left.
    if month_status == MonthStatus.OPEN and rng.random() < 0.12:
        state = ActivityStatus.PENDING
    elif rng.random() < 0.015:
        state = ActivityStatus.REJECTED
    recorded_at = ctx.aware(day, rng.randint(9, 20))
    reviewed = state != ActivityStatus.PENDING
    return ServiceActivity(
        village_id=village.pk,
        date=day,
        kind=kind,
        title=title,
        content=content,
        location=rng.choice(["村部", "党群服务中心", "田间地头", "村民家中", "文化广场"]),
        beneficiaries=rng.randint(low, high),
        recorded_by_id=recorder.pk if recorder else None,
        recorded_at=recorded_at,
        status=state,
        reviewed_by_id=recorder.pk if recorder and reviewed else None,
        reviewed_at=recorded_at if reviewed else None,
        reject_reason=rng.choice(REJECT_REASONS) if state == ActivityStatus.REJECTED else "",
    )


def _month_row(ctx, rng, village, first, last_day, status, recorder, township_officer) -> LedgerMonth:
    row = LedgerMonth(village=village, month=first, status=status)
    if status == MonthStatus.OPEN:
        return row
    submitted = min(last_day + datetime.timedelta(days=rng.randint(1, 6)), ctx.today)
    row.submitted_at = ctx.aware(submitted, rng.randint(9, 18))
    row.submitted_by = recorder
    row.version = 2
    if status in (MonthStatus.CONFIRMED, MonthStatus.LOCKED):
        confirmed = min(submitted + datetime.timedelta(days=rng.randint(1, 8)), ctx.today)
        row.confirmed_at = ctx.aware(confirmed, rng.randint(9, 18))
        if township_officer and township_officer.township_id == village.township_id:
            row.confirmed_by = township_officer
        row.version = 3
    if status == MonthStatus.LOCKED:
        row.locked_at = ctx.aware(min(confirmed + datetime.timedelta(days=30), ctx.today), 10)
        row.version = 4
    return row
