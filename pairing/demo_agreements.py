"""Demo agreements (seed_demo builder): every pairing's three lists and agreement for the previous
and the current year, in every state, with their transition logs and signed versions.

The previous year is mostly signed and closed, with a few stragglers; the current year is spread
over the workflow as it would be in spring. The demo village secretary's pairing keeps a filled
draft for this year, so the demo accounts can take it from draft to signed themselves.
Rows are inserted with bulk_create; every random choice comes from ctx.rng.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .choices import (
    AgreementAction,
    AgreementStatus,
    DemandCategory,
    DemandItemStatus,
    DemandPriority,
    ProjectStatus,
    ResourceKind,
    Role,
)
from .models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    AgreementTransition,
    HonoraryVillageHead,
    Pairing,
)
from .services.agreements import DEFAULT_TERMS

S = AgreementStatus
DEMO_SCAN = "agreement-scans/demo/signed-copy.pdf"
# One tiny valid PDF stands in for every demo signed copy.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 100 700 Td (DEMO SCAN) Tj ET\nendstream endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
REJECT_REASON = "项目投入与资源清单不一致，请修改"
# (state, weight) for each year; the first pairings take each state once so every state exists.
PREVIOUS_YEAR = [(S.CLOSED, 80), (S.SIGNED, 8), (S.CONFIRMED, 2), (S.SUBMITTED, 2), (S.DRAFT, 3), (None, 5)]
CURRENT_YEAR = [(S.SIGNED, 42), (S.CONFIRMED, 12), (S.SUBMITTED, 12), (S.DRAFT, 20), (S.CLOSED, 2), (None, 12)]
STEPS = {
    S.DRAFT: [],
    S.SUBMITTED: [AgreementAction.SUBMIT],
    S.CONFIRMED: [AgreementAction.SUBMIT, AgreementAction.CONFIRM],
    S.SIGNED: [AgreementAction.SUBMIT, AgreementAction.CONFIRM, AgreementAction.SIGN],
    S.CLOSED: [AgreementAction.SUBMIT, AgreementAction.CONFIRM, AgreementAction.SIGN, AgreementAction.CLOSE],
}
NEXT = {
    AgreementAction.SUBMIT: (S.DRAFT, S.SUBMITTED),
    AgreementAction.CONFIRM: (S.SUBMITTED, S.CONFIRMED),
    AgreementAction.SIGN: (S.CONFIRMED, S.SIGNED),
    AgreementAction.CLOSE: (S.SIGNED, S.CLOSED),
}
RESOURCES = [
    (ResourceKind.FUNDS, "党建共建帮扶资金", "万元", (2, 20)),
    (ResourceKind.FUNDS, "村集体经济项目扶持资金", "万元", (5, 30)),
    (ResourceKind.MATERIALS, "办公电脑和打印设备", "台", (2, 6)),
    (ResourceKind.MATERIALS, "农家书屋图书", "册", (200, 800)),
    (ResourceKind.TALENT, "选派业务骨干驻村指导", "人", (1, 3)),
    (ResourceKind.TALENT, "农技专家定期下村服务", "人次", (6, 24)),
    (ResourceKind.INFORMATION, "农产品市场行情和用工信息推送", "", None),
    (ResourceKind.POLICY, "惠农政策解读和项目申报指导", "", None),
    (ResourceKind.CHANNEL, "协调对接农产品销售渠道", "", None),
]
DEMANDS = [
    (DemandCategory.INFRASTRUCTURE, "村组道路硬化和路灯安装"),
    (DemandCategory.INFRASTRUCTURE, "村部会议室和党员活动室改造"),
    (DemandCategory.INDUSTRY, "发展特色种植，需要技术和销路"),
    (DemandCategory.COLLECTIVE_ECONOMY, "盘活闲置厂房，增加村集体收入"),
    (DemandCategory.LIVELIHOOD, "留守老人助餐和健康监测"),
    (DemandCategory.LIVELIHOOD, "村卫生室设备更新"),
    (DemandCategory.GOVERNANCE, "网格化管理和矛盾纠纷调解"),
    (DemandCategory.CIVILITY, "移风易俗宣传和文明家庭评选"),
    (DemandCategory.TRAINING, "村干部和致富带头人培训"),
    (DemandCategory.OTHER, "村史馆资料整理"),
]
PROJECTS = [
    ("村道亮化工程", "安装太阳能路灯，解决群众夜间出行难"),
    ("特色产业示范基地", "建设示范种植基地，带动农户增收"),
    ("党群服务中心提升", "改造党员活动室，完善便民服务功能"),
    ("爱心助餐点", "为高龄和留守老人提供午餐"),
    ("电商助农直播间", "搭建直播间，培训村民网络销售"),
    ("村级集体经济增收项目", "盘活闲置资产，发展物业经济"),
    ("乡村治理网格化", "完善网格划分，培训网格员"),
    ("人才培训班", "举办村干部和致富带头人培训"),
]


def build(ctx) -> None:
    county_ids = [county.pk for county in ctx.counties]
    if not county_ids:
        return
    if not default_storage.exists(DEMO_SCAN):
        default_storage.save(DEMO_SCAN, ContentFile(DEMO_PDF))
    heads = {
        h.pairing_id: h.name
        for h in HonoraryVillageHead.objects.filter(pairing__unit__county__in=county_ids, end_date__isnull=True)
    }
    demo_pairing = _demo_pairing(ctx)
    builder = _Builder(ctx, heads)
    for year, weights in ((ctx.year - 1, PREVIOUS_YEAR), (ctx.year, _current_year_weights(ctx.today))):
        pairings = (
            Pairing.objects.active_in(year)
            .filter(unit__county__in=county_ids)
            .select_related("unit", "village")
            .order_by("pk")
        )
        states = [state for state, _ in weights]
        unseen = list(states)  # the first pairings take every state once
        for pairing in pairings:
            if pairing.pk == demo_pairing and year == ctx.year:
                state = S.DRAFT
            elif unseen:
                state = unseen.pop(0)
            else:
                state = ctx.rng.choices(states, [w for _, w in weights])[0]
            if state is not None:
                builder.add(pairing, year, state, complete=pairing.pk == demo_pairing or state != S.DRAFT)
    builder.save()
    ctx.log(f"  三清单一协议：{builder.count} 份协议，{builder.item_count} 条清单")


def _current_year_weights(today: datetime.date) -> list:
    """Later in the year, more of this year's agreements are signed."""
    elapsed = today.timetuple().tm_yday / 366
    scaled = {S.SIGNED: 20 + 60 * elapsed, S.DRAFT: max(3, 30 - 25 * elapsed), None: max(3, 15 - 10 * elapsed)}
    return [(state, scaled.get(state, weight)) for state, weight in CURRENT_YEAR]


def _demo_pairing(ctx) -> int | None:
    """The pairing of the demo village secretary and the demo unit liaison, if they exist."""
    secretary = ctx.accounts.get(Role.VILLAGE_SECRETARY)
    liaison = ctx.accounts.get(Role.UNIT_LIAISON)
    if secretary is None or liaison is None:
        return None
    pairing = Pairing.objects.filter(village=secretary.user.village_id, unit=liaison.user.unit_id).first()
    return pairing.pk if pairing else None


class _Builder:
    """Collects rows in memory, then inserts them table by table."""

    def __init__(self, ctx, heads: dict[int, str]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.heads = heads
        self.plans = []  # (agreement, resources, demands, [(project, demand idx, resource idx)], history)
        self.rejected_years: set[int] = set()

    @property
    def count(self) -> int:
        return len(self.plans)

    @property
    def item_count(self) -> int:
        return sum(len(r) + len(d) + len(p) for _, r, d, p, _ in self.plans)

    def _day(self, year: int, first: int, last: int) -> datetime.date:
        """A day between day-of-year `first` and `last` of `year`, never after today."""
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(first, last))
        return min(day, self.ctx.today)

    def add(self, pairing: Pairing, year: int, state: str, complete: bool) -> None:
        rng = self.rng
        village_name = pairing.village.secretary_name or "村党组织书记"
        head_name = self.heads.get(pairing.pk, "")
        signed_on = self._day(year, 10, 110) if state in (S.SIGNED, S.CLOSED) else None
        agreement = Agreement(
            pairing=pairing,
            year=year,
            status=state,
            terms=DEFAULT_TERMS,
            unit_signatory=head_name,
            village_signatory=pairing.village.secretary_name,
            signed_on=signed_on,
            scan=DEMO_SCAN if signed_on else "",
        )
        resources = [self._resource(agreement) for _ in range(rng.randint(1, 3) if complete else rng.randint(0, 2))]
        demands = [self._demand(agreement, year) for _ in range(rng.randint(2, 4) if complete else rng.randint(0, 2))]
        projects = []
        if complete or rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                projects.append(self._project(agreement, year, state, len(demands), len(resources)))
        if state in (S.SIGNED, S.CLOSED):
            self._progress(year, state, projects, demands)
        history = self._history(agreement, state, village_name, head_name, signed_on or self._day(year, 5, 60))
        self.plans.append((agreement, resources, demands, projects, history))

    def _resource(self, agreement):
        kind, text, measure, span = self.rng.choice(RESOURCES)
        amount = Decimal(self.rng.randint(*span)) if span else None
        return AgreementResourceItem(
            agreement=agreement, kind=kind, description=text, amount=amount, unit_of_measure=measure
        )

    def _demand(self, agreement, year):
        category, text = self.rng.choice(DEMANDS)
        return AgreementDemandItem(
            agreement=agreement,
            category=category,
            description=text,
            priority=self.rng.choice(DemandPriority.values),
            expected_by=datetime.date(year, self.rng.randint(6, 12), 28),
        )

    def _project(self, agreement, year, state, demand_count, resource_count):
        rng = self.rng
        name, content = rng.choice(PROJECTS)
        start = datetime.date(year, rng.randint(2, 6), rng.randint(1, 28))
        end = datetime.date(year, rng.randint(start.month + 1, 12), 28)
        project = AgreementProjectItem(
            agreement=agreement,
            name=name,
            content=content,
            planned_investment=Decimal(rng.randint(10, 300)) / 10,
            unit_owner=self.heads.get(agreement.pairing_id, "") or "单位联络员",
            village_owner=agreement.pairing.village.secretary_name or "村党组织书记",
            start_date=start,
            end_date=end,
        )
        demand_links = rng.sample(range(demand_count), min(demand_count, rng.randint(1, 2)))
        resource_links = rng.sample(range(resource_count), min(resource_count, 1))
        return project, demand_links, resource_links

    def _progress(self, year, state, projects, demands) -> None:
        """How far the signed year's projects have come by today (a few stay unfinished)."""
        year_end = datetime.date(year, 12, 31)
        for project, demand_links, _ in projects:
            if self.ctx.today >= year_end or self.ctx.today >= project.end_date:
                done = self.rng.random() < (0.85 if state == S.CLOSED else 0.7)
                project.status = ProjectStatus.COMPLETED if done else ProjectStatus.IN_PROGRESS
                project.progress = 100 if done else self.rng.randint(40, 90)
            elif self.ctx.today >= project.start_date:
                project.status = ProjectStatus.IN_PROGRESS
                project.progress = self.rng.randint(10, 80)
            if project.status == ProjectStatus.COMPLETED:
                project.outcome = "已按计划完成，群众满意。"
                for i in demand_links:
                    demands[i].status = DemandItemStatus.RESOLVED

    def _history(self, agreement, state, village_name, head_name, last_day):
        """The transition log that leads to `state`; a few took a rejection or an amendment."""
        rng = self.rng
        steps = [(AgreementAction.CREATE, "", S.DRAFT, village_name, "")]
        # Some drafts went to the unit and came back; the first draft of each year always did.
        if state == S.DRAFT and (agreement.year not in self.rejected_years or rng.random() < 0.3):
            self.rejected_years.add(agreement.year)
            steps += [
                (AgreementAction.SUBMIT, S.DRAFT, S.SUBMITTED, village_name, ""),
                (
                    AgreementAction.REJECT,
                    S.SUBMITTED,
                    S.DRAFT,
                    head_name or "单位联络员",
                    "项目投入与资源清单不一致，请修改",
                ),
            ]
        for action in STEPS[state]:
            before, after = NEXT[action]
            who = {
                AgreementAction.SUBMIT: village_name,
                AgreementAction.CONFIRM: head_name or "单位联络员",
                AgreementAction.SIGN: head_name or "单位联络员",
                AgreementAction.CLOSE: "县委组织部",
            }[action]
            steps.append((action, before, after, who, ""))
        amended = state == S.SIGNED and rng.random() < 0.1
        if amended:
            agreement.amendment_no = 1
            steps += [
                (AgreementAction.AMEND, S.SIGNED, S.DRAFT, village_name, "追加年度共建项目"),
                (AgreementAction.SUBMIT, S.DRAFT, S.SUBMITTED, village_name, ""),
                (AgreementAction.CONFIRM, S.SUBMITTED, S.CONFIRMED, head_name or "单位联络员", ""),
                (AgreementAction.SIGN, S.CONFIRMED, S.SIGNED, head_name or "单位联络员", ""),
            ]
        year_over = self.ctx.today > datetime.date(agreement.year, 12, 31)
        first_day = last_day - datetime.timedelta(days=3 * len(steps))
        rows = []
        for i, (action, before, after, who, reason) in enumerate(steps):
            day = min(first_day + datetime.timedelta(days=3 * i), self.ctx.today)
            if action == AgreementAction.CLOSE:
                day = datetime.date(agreement.year, 12, 31) if year_over else day
                reason = "年度结束" if year_over else "结对关系调整，提前关闭"
            amendment = 1 if amended and i >= len(steps) - 4 else 0
            rows.append(
                AgreementTransition(
                    agreement=agreement,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor_name=who,
                    created_at=self.ctx.aware(day, 9 + i % 8),
                    amendment_no=amendment,
                    reason=reason,
                )
            )
        agreement.created_at = rows[0].created_at
        agreement.updated_at = rows[-1].created_at
        agreement.version = len(rows)
        return rows

    def save(self) -> None:
        batch = self.ctx.batch_size
        agreements = [plan[0] for plan in self.plans]
        Agreement.objects.bulk_create(agreements, batch_size=batch)
        for agreement, resources, demands, projects, history in self.plans:
            for row in (*resources, *demands, *(p for p, _, _ in projects), *history):
                row.agreement = agreement  # now that it has a primary key
        AgreementResourceItem.objects.bulk_create([r for p in self.plans for r in p[1]], batch_size=batch)
        AgreementDemandItem.objects.bulk_create([d for p in self.plans for d in p[2]], batch_size=batch)
        AgreementProjectItem.objects.bulk_create([x[0] for p in self.plans for x in p[3]], batch_size=batch)
        AgreementTransition.objects.bulk_create([t for p in self.plans for t in p[4]], batch_size=batch)
        demand_links, resource_links = [], []
        demand_through = AgreementProjectItem.demands.through
        resource_through = AgreementProjectItem.resources.through
        for _, resources, demands, projects, _ in self.plans:
            for project, d_idx, r_idx in projects:
                demand_links += [
                    demand_through(agreementprojectitem=project, agreementdemanditem=demands[i]) for i in d_idx
                ]
                resource_links += [
                    resource_through(agreementprojectitem=project, agreementresourceitem=resources[i]) for i in r_idx
                ]
        demand_through.objects.bulk_create(demand_links, batch_size=batch)
        resource_through.objects.bulk_create(resource_links, batch_size=batch)
        self._revisions([a.pk for a in agreements if a.status in (S.SIGNED, S.CLOSED)])

    def _revisions(self, pks: list[int]) -> None:
        """Freeze each signed version; amended ones also get their original (version 0) document."""
        batch = self.ctx.batch_size
        rows = []
        for start in range(0, len(pks), batch):
            chunk = (
                Agreement.objects.filter(pk__in=pks[start : start + batch])
                .select_related("pairing__unit", "pairing__village__township")
                .prefetch_related("resources", "demands", "projects__demands", "projects__resources")
                .order_by("pk")
            )
            for agreement in chunk:
                document = agreement.as_document()
                created = self.ctx.aware(agreement.signed_on)
                for number in range(agreement.amendment_no + 1):
                    rows.append(
                        AgreementRevision(
                            agreement=agreement,
                            amendment_no=number,
                            document={**document, "amendment_no": number},
                            created_at=created,
                        )
                    )
        AgreementRevision.objects.bulk_create(rows, batch_size=batch)
