"""Demo demands (seed_demo builder): last year and this year, in every state, ~95% resolved.

Resolved demands are built backwards from the ledger: a confirmed activity with talents is
picked first, the demand is published some days before it and claimed by one of its talents,
and resolved with it — so every resolved demand points at the activity that served it, as in
real use. Older demands are nearly all resolved (a few closed unresolved, a few overdue);
recent ones are spread over published, claimed and in progress, some past their due date.
The demo talent's village always has places to claim. Bulk inserts; randomness from ctx.rng.
"""

import datetime
from collections import defaultdict

from pairing.choices import DemandCategory, Role
from pairing.models import Pairing, Specialty, TalentAssignment, Village

from .choices import ActivityStatus, ClaimStatus, DemandStatus, DemandType, NotificationKind
from .models import ActivityParticipant, Demand, DemandClaim, Notification, ServiceActivity

RECENT_DAYS = 45
# (type, category, title, description, specialty)
TEMPLATES = [
    (DemandType.NEED, DemandCategory.LIVELIHOOD, "独居老人代办医保", "三位独居老人需要代办医保续费和慢病备案", "医疗"),
    (DemandType.NEED, DemandCategory.INFRASTRUCTURE, "村东路灯维修", "村东路段路灯损坏，群众夜间出行不便", "规划"),
    (
        DemandType.PROBLEM,
        DemandCategory.GOVERNANCE,
        "土地流转纠纷调解",
        "两户村民因土地流转租金发生纠纷，需要法律指导",
        "法律",
    ),
    (DemandType.PROBLEM, DemandCategory.INDUSTRY, "葡萄园病虫害", "葡萄园出现霜霉病，需要农技人员现场指导", "农业技术"),
    (DemandType.MICRO_SERVICE, DemandCategory.LIVELIHOOD, "义诊进村", "为村内老人测量血压血糖，讲解慢病防治", "医疗"),
    (DemandType.MICRO_SERVICE, DemandCategory.TRAINING, "电商直播培训", "帮助合作社学习短视频和直播带货", "电商"),
    (DemandType.THEME, DemandCategory.CIVILITY, "移风易俗宣传", "开展婚事新办、丧事简办主题宣传", "文化"),
    (DemandType.THEME, DemandCategory.CIVILITY, "留守儿童暑期课堂", "为留守儿童开设暑期作业辅导和安全教育", "教育"),
    (
        DemandType.TASK,
        DemandCategory.COLLECTIVE_ECONOMY,
        "村集体光伏项目",
        "协调光伏项目并网手续，壮大村集体经济",
        "规划",
    ),
    (DemandType.TASK, DemandCategory.INDUSTRY, "农产品展销对接", "对接县城商超，销售村里的高山茶叶", "电商"),
    (DemandType.NEED, DemandCategory.GOVERNANCE, "村规民约修订", "修订村规民约，征求群众意见", "法律"),
    (DemandType.NEED, DemandCategory.OTHER, "人口信息更新", "协助更新村民基础信息数据库", ""),
]
CLOSE_REASONS = ["资金缺口较大，已纳入明年项目计划", "需上级部门审批，暂无法解决", "群众诉求已变化，经商议关闭"]
OUTCOMES = ["已办结，群众满意", "问题已解决，已回访群众", "已完成，相关资料已归档"]


def _aware(ctx, day: datetime.date, hour: int) -> datetime.datetime:
    return ctx.aware(day, hour)


def _served_activities(ctx, since: datetime.date) -> dict[int, list[tuple[datetime.date, int, list[int]]]]:
    """village -> [(date, activity id, talent ids)] of confirmed activities with talents, by date."""
    talents = defaultdict(list)
    participants = ActivityParticipant.objects.filter(
        activity__village__township__county__in=ctx.counties,
        activity__status=ActivityStatus.CONFIRMED,
        activity__date__gte=since,
        talent__isnull=False,
    ).order_by("activity_id", "talent_id")
    for activity_id, talent_id in participants.values_list("activity_id", "talent_id"):
        talents[activity_id].append(talent_id)
    by_village = defaultdict(list)
    rows = ServiceActivity.objects.filter(pk__in=list(talents)).order_by("date", "pk")
    for pk, village_id, day in rows.values_list("pk", "village_id", "date"):
        by_village[village_id].append((day, pk, talents[pk]))
    return by_village


def build(ctx) -> None:
    rng = ctx.rng
    today = ctx.today
    since = datetime.date(ctx.year - 1, 1, 1)
    villages = list(
        Village.objects.filter(township__county__in=ctx.counties).order_by("pk").values_list("pk", flat=True)
    )
    served = _served_activities(ctx, since)
    assigned = defaultdict(list)
    for village_id, talent_id in (
        TalentAssignment.objects.filter(village_id__in=villages, year=ctx.year)
        .order_by("pk")
        .values_list("village_id", "talent_id")
    ):
        assigned[village_id].append(talent_id)
    units = defaultdict(list)
    for village_id, unit_id in (
        Pairing.objects.filter(village_id__in=villages).order_by("pk").values_list("village_id", "unit_id")
    ):
        units[village_id].append(unit_id)
    specialties = dict(Specialty.objects.values_list("name", "pk"))

    demands: list[Demand] = []
    claims: list[tuple[int, dict]] = []  # (index into demands, claim fields)
    needs: list[tuple[int, int]] = []  # (index, specialty id)

    def add(village_id, published, status, **fields):
        template = rng.choice(TEMPLATES)
        kind, category, title, description, specialty = template
        demand = Demand(
            village_id=village_id,
            type=kind,
            category=category,
            title=title,
            description=description,
            published_at=_aware(ctx, published, rng.randint(8, 18)),
            status=status,
            people_wanted=fields.pop("people_wanted", 1),
            **fields,
        )
        demands.append(demand)
        if specialty in specialties:
            needs.append((len(demands) - 1, specialties[specialty]))
        return len(demands) - 1

    recent = today - datetime.timedelta(days=RECENT_DAYS)
    open_states = [DemandStatus.PUBLISHED, DemandStatus.CLAIMED, DemandStatus.IN_PROGRESS]
    for position, village_id in enumerate(villages):
        resolved_in = {}  # year -> resolved demands built for this village
        # Resolved: built backwards from a sample of each year's activities that served the village,
        # about 12–18 a year (pro rata for the current year).
        for year in (ctx.year - 1, ctx.year):
            pool = [a for a in served.get(village_id, []) if a[0].year == year]
            share = 1.0 if year < ctx.year else (today.timetuple().tm_yday / 365)
            wanted = max(2, round(rng.randint(12, 18) * share))
            resolved_in[year] = min(len(pool), wanted)
            for day, activity_id, talent_ids in rng.sample(pool, resolved_in[year]):
                published = max(datetime.date(year, 1, 1), day - datetime.timedelta(days=rng.randint(1, 20)))
                resolved = min(today, day + datetime.timedelta(days=rng.randint(0, 3)))
                index = add(
                    village_id,
                    published,
                    DemandStatus.RESOLVED,
                    due_date=day + datetime.timedelta(days=rng.randint(0, 20)),
                    outcome=rng.choice(OUTCOMES),
                    served_by_id=activity_id,
                    started_at=_aware(ctx, published, 17),
                    resolved_at=_aware(ctx, resolved, 19),
                    claimed_count=1,
                )
                claim_day = published + (day - published) // 2
                claims.append(
                    (index, {"talent_id": rng.choice(talent_ids), "status": ClaimStatus.COMPLETED, "day": claim_day})
                )
        # Closed unresolved: one for every twenty resolved in a year (rounded at random), which keeps
        # last year's rate near the ~95% of seed 003 at every scale. Only old ones (published 60 days
        # before the recent window), so the current year gets them pro rata of its old enough part.
        # The first village always gets one, so even the small demo shows every state.
        for year in (ctx.year - 1, ctx.year):
            first = datetime.date(year, 1, 1)
            last = min(datetime.date(year, 12, 31), recent - datetime.timedelta(days=60))
            if last <= first:
                continue
            old_part = (last - first).days / max((min(today, datetime.date(year, 12, 31)) - first).days, 1)
            count = int(resolved_in[year] / 20 * old_part + rng.random())
            if position == 0 and year < ctx.year:
                count = max(count, 1)
            for _ in range(count):
                published = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                add(
                    village_id,
                    published,
                    DemandStatus.CLOSED,
                    close_reason=rng.choice(CLOSE_REASONS),
                    closed_at=_aware(ctx, min(today, published + datetime.timedelta(days=rng.randint(20, 60))), 10),
                )
        # Open: recent, in every open state; some past their due date.
        draws = [rng.choice(open_states) for _ in range(rng.choice([0, 0, 0, 0, 0, 0, 0, 1, 1, 2]))]
        if position < len(open_states):  # every open state appears, whatever the scale
            draws.append(open_states[position])
        for status in draws:
            published = recent + datetime.timedelta(days=rng.randint(0, RECENT_DAYS))
            due = published + datetime.timedelta(days=rng.choice([7, 14, 30]))
            claimants = assigned.get(village_id, [])
            if status != DemandStatus.PUBLISHED and not claimants and not units.get(village_id):
                status = DemandStatus.PUBLISHED
            index = add(
                village_id,
                published,
                status,
                due_date=due,
                people_wanted=rng.choice([1, 1, 2, 3]),
                started_at=_aware(ctx, published, 17) if status == DemandStatus.IN_PROGRESS else None,
            )
            if status != DemandStatus.PUBLISHED:
                who = (
                    {"talent_id": rng.choice(claimants)}
                    if claimants and rng.random() < 0.8
                    else {"unit_id": rng.choice(units[village_id])}
                    if units.get(village_id)
                    else {"talent_id": rng.choice(claimants)}
                )
                claims.append((index, {**who, "status": ClaimStatus.ACTIVE, "day": published}))
                demands[index].claimed_count = 1

    _demo_account_story(ctx, add)
    Demand.objects.bulk_create(demands, batch_size=ctx.batch_size)
    Demand.specialties.through.objects.bulk_create(
        [Demand.specialties.through(demand_id=demands[i].pk, specialty_id=s) for i, s in needs],
        batch_size=ctx.batch_size,
    )
    claimed_by = _claimant_accounts(ctx)
    rows = []
    for index, fields in claims:
        day = fields.pop("day")
        user_id = claimed_by.get(("talent", fields.get("talent_id"))) or claimed_by.get(("unit", fields.get("unit_id")))
        rows.append(
            DemandClaim(demand_id=demands[index].pk, claimed_by_id=user_id, claimed_at=_aware(ctx, day, 12), **fields)
        )
    DemandClaim.objects.bulk_create(rows, batch_size=ctx.batch_size)
    _invite_demo_talent(ctx, demands)
    resolved = sum(1 for d in demands if d.status == DemandStatus.RESOLVED)
    ctx.stdout.write(f"需求任务：{len(demands)} 个，认领 {len(rows)} 条，已解决 {resolved} 个")


def _claimant_accounts(ctx) -> dict:
    """The talents' and units' demo accounts (DEMO_MODE only); other claims have no recorded account."""
    mapping = {}
    for account in ctx.accounts.values():
        user = account.user
        if user.talent_id:
            mapping[("talent", user.talent_id)] = user.pk
        if user.unit_id:
            mapping[("unit", user.unit_id)] = user.pk
    return mapping


def _demo_account_story(ctx, add) -> None:
    """The demo talent's village gets two demands with open places, one asking for their specialty."""
    account = ctx.accounts.get(Role.TALENT)
    if account is None:
        return
    village = (
        TalentAssignment.objects.filter(talent_id=account.user.talent_id, year=ctx.year)
        .values_list("village_id", flat=True)
        .first()
    )
    if village is None:
        return
    for offset in (1, 3):
        add(
            village,
            ctx.today - datetime.timedelta(days=offset),
            DemandStatus.PUBLISHED,
            due_date=ctx.today + datetime.timedelta(days=7 * offset),
            people_wanted=2,
        )
    ctx.shared["demo_talent_village"] = village


def _invite_demo_talent(ctx, demands) -> None:
    account = ctx.accounts.get(Role.TALENT)
    village = ctx.shared.get("demo_talent_village")
    if account is None or village is None:
        return
    demand = next(d for d in reversed(demands) if d.village_id == village and d.status == DemandStatus.PUBLISHED)
    Notification.objects.create(
        recipient=account.user,
        kind=NotificationKind.INVITATION,
        title=f"村党组织邀请您认领：{demand.title}",
        body=f"“{demand.title}”还差 {demand.people_wanted} 人，请打开查看并认领。",
        link=demand.get_absolute_url(),
        created_at=ctx.aware(ctx.today, 9),
    )
