"""Annual grading (000 §六3): rank a grading group by annual score, propose 优秀 / 良好 / 差 under the
group's quotas, let the county adjust with reasons, confirm (checking the quotas), file, reopen.

Tie-breakers, in order, shown on the page (TIE_BREAKERS): annual score (sum of the year's confirmed
quarters), months with a confirmed activity, confirmed hours, fewer deductions. Ties that a quota
boundary still cuts through are flagged for the county; the proposal keeps the 差 floor satisfied
(the lowest `poor_needed` are proposed 差 even when a tie crosses that line).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Sum
from django.http import Http404
from django.utils import timezone

from ledgers.models import TalentServiceMonth
from pairing import roles
from pairing.core import audit, events
from pairing.core.concurrency import claim_version
from pairing.core.local_time import local_text
from pairing.core.services import Denied, service
from pairing.core.workflows import Step, Workflow
from pairing.exceptions import StaleVersionError
from pairing.models import TalentAssignment, UrbanTalent, Village

from ..choices import GradeLevel, GradingState, RollupState, SubjectType
from ..models import Grade, GradeFiling, GradingGroup, GradingRound, QuarterRollup, Score

G = GradingState
TIE_BREAKERS = ("年度总分高者在前", "有服务活动的月份多者在前", "服务时长多者在前", "扣分少者在前")


def _county_admin_of_round(user, obj) -> bool:
    round_ = obj.round if isinstance(obj, Grade) else obj
    return roles.is_county_admin(user, round_.group.county_id)


ROUND_WORKFLOW = Workflow(
    "grading_round",
    [
        Step("propose", "重新拟定等次", _county_admin_of_round, "县委组织部", frozenset({G.PROPOSED})),
        Step(
            "confirm",
            "确认并备案",
            _county_admin_of_round,
            "县委组织部",
            frozenset({G.PROPOSED}),
            confirm="确认后等次锁定并报送备案，如需调整须撤回并说明理由。",
        ),
        Step("reopen", "撤回备案", _county_admin_of_round, "县委组织部", frozenset({G.CONFIRMED}), reason=True),
    ],
    noun="本次等次评定",
    model=GradingRound,
)

GRADE_WORKFLOW = Workflow(
    "grade",
    [
        Step(
            "change",
            "调整等次",
            _county_admin_of_round,
            "县委组织部",
            frozenset({G.PROPOSED}),
            reason=True,
            hint="已确认的等次已锁定，如需调整请先撤回备案。",
        )
    ],
    state=lambda grade: grade.round.state,
    noun="该等次",
    model=Grade,
)


@dataclass(frozen=True)
class Quotas:
    graded: int
    poor_needed: int  # at least
    excellent_max: int | None  # at most
    excellent_min: int | None  # at least

    @classmethod
    def of(cls, group: GradingGroup, graded: int) -> "Quotas":
        def ceil(percent):
            return -(-graded * percent // 100)

        return cls(
            graded=graded,
            poor_needed=ceil(group.poor_min_percent),
            excellent_max=None if group.excellent_max_percent is None else graded * group.excellent_max_percent // 100,
            excellent_min=None if group.excellent_min_percent is None else ceil(group.excellent_min_percent),
        )

    def proposed_excellent(self) -> int:
        count = self.excellent_min if self.excellent_min is not None else self.excellent_max or 0
        if self.excellent_max is not None:
            count = min(count, self.excellent_max)
        return max(0, min(count, self.graded - self.poor_needed))


def quota_problems(group: GradingGroup, grades: list[str]) -> list[str]:
    """The shortfalls of a list of grades against the group's quotas, as the county reads them."""
    quotas = Quotas.of(group, len(grades))
    poor = grades.count(GradeLevel.POOR)
    excellent = grades.count(GradeLevel.EXCELLENT)
    problems = []
    if poor < quotas.poor_needed:
        problems.append(f"差等次 {poor} 人，不低于 {group.poor_min_percent}% 需至少 {quotas.poor_needed} 人")
    if quotas.excellent_max is not None and excellent > quotas.excellent_max:
        problems.append(
            f"优秀等次 {excellent} 人，不高于 {group.excellent_max_percent}% 最多 {quotas.excellent_max} 人"
        )
    if quotas.excellent_min is not None and excellent < quotas.excellent_min:
        problems.append(
            f"优秀等次 {excellent} 人，不低于 {group.excellent_min_percent}% 需至少 {quotas.excellent_min} 人"
        )
    return problems


@dataclass
class Candidate:
    talent_id: int
    name: str
    township_id: int | None
    village_id: int | None
    annual_score: Decimal = Decimal(0)
    active_months: int = 0
    hours: Decimal = Decimal(0)
    deductions: Decimal = Decimal(0)

    @property
    def key(self) -> tuple:
        """Higher is better, in the order of TIE_BREAKERS."""
        return (self.annual_score, self.active_months, self.hours, -self.deductions)


CONFIRMED_STATES = [RollupState.CONFIRMED, RollupState.PUBLISHED]


def _service_months(group: GradingGroup, year: int):
    """Per talent, months with a confirmed activity and confirmed hours in the year."""
    return (
        TalentServiceMonth.objects.filter(
            month__gte=datetime.date(year, 1, 1),
            month__lt=datetime.date(year + 1, 1, 1),
            village__township__county_id=group.county_id,
            activities__gt=0,
        )
        .values("talent_id")
        .annotate(months=Count("month", distinct=True), hours=Sum("hours"))
        .order_by()
    )


def candidates(group: GradingGroup, year: int) -> tuple[list[Candidate], list[int]]:
    """The group's talents for `year` with their annual figures (three aggregate queries), and the
    confirmed quarters the annual score sums."""
    assignments = _assignments(group, year)
    people = {
        row["talent_id"]: Candidate(
            row["talent_id"], row["talent__name"], row["village__township_id"], row["village_id"]
        )
        for row in assignments.values("talent_id", "talent__name", "village_id", "village__township_id").order_by()
    }
    scores = Score.objects.filter(
        rollup__county_id=group.county_id,
        rollup__year=year,
        rollup__state__in=CONFIRMED_STATES,
        subject_type=SubjectType.TALENT,
    )
    quarters = sorted(set(scores.values_list("rollup__quarter", flat=True).distinct().order_by()))
    for row in scores.values("talent_id").annotate(total=Sum("total"), minus=Sum("deductions")).order_by():
        person = people.get(row["talent_id"])
        if person is not None:
            person.annual_score, person.deductions = row["total"] or Decimal(0), row["minus"] or Decimal(0)
    # Months and hours from the ledger's monthly rollup of confirmed service (one row per talent,
    # village and month, kept equal to the activities by the ledger services): a year of a city's
    # participations read row by row took seconds.
    service_rows = _service_months(group, year)
    for row in service_rows:
        person = people.get(row["talent_id"])
        if person is not None:
            person.active_months, person.hours = row["months"], row["hours"] or Decimal(0)
    return list(people.values()), quarters


@dataclass
class Proposal:
    candidate: Candidate
    position: int
    grade: str
    flagged: bool


def propose_grades(group: GradingGroup, people: list[Candidate]) -> list[Proposal]:
    """Order by the tie-breakers, give the top the 优秀 places, the bottom the 差 floor, flag cut ties."""
    ordered = sorted(people, key=lambda c: (tuple(-v for v in c.key), c.talent_id))
    n = len(ordered)
    quotas = Quotas.of(group, n)
    excellent, poor_from = quotas.proposed_excellent(), n - quotas.poor_needed
    keys = [c.key for c in ordered]
    flagged_keys = set()
    for cut in (excellent, poor_from):
        if 0 < cut < n and keys[cut - 1] == keys[cut]:
            flagged_keys.add(keys[cut])
    position, proposals = 0, []
    for index, person in enumerate(ordered):
        if index == 0 or keys[index] != keys[index - 1]:
            position = index + 1  # tied people share a position
        grade = (
            GradeLevel.EXCELLENT if index < excellent else GradeLevel.POOR if index >= poor_from else GradeLevel.GOOD
        )
        proposals.append(Proposal(person, position, grade, person.key in flagged_keys))
    return proposals


STALE_ROUND = "本次等次评定已被他人更新，请刷新页面后重试。"


def _visible_round(actor, round_: GradingRound, version: int | None = None) -> GradingRound:
    """The round as `actor` may see it; a `version` the client saw that is no longer current is
    refused before anything else is checked (409)."""
    row = GradingRound.objects.visible_to(actor).select_related("group").filter(pk=round_.pk).first()
    if row is None:
        raise Http404
    if version is not None and int(version) != row.version:
        raise StaleVersionError(STALE_ROUND)
    return row


@service
def propose(*, actor, group: GradingGroup, year: int) -> GradingRound:
    """Propose (or propose again) the year's grades of a group; refused once confirmed."""
    if not roles.is_county_admin(actor, group.county_id):
        raise Denied("只有县委组织部可以拟定年度等次。", obj=group)
    round_ = GradingRound.objects.select_for_update().filter(group=group, year=year).first()
    if round_ is not None:
        ROUND_WORKFLOW.check("propose", round_, actor)
    round_ = build_round(group=group, year=year, actor=actor, round_=round_)
    graded, flagged = round_.grades.count(), round_.grades.filter(flagged=True).count()
    audit.record(
        action="grades_propose",
        actor=actor,
        obj=round_,
        message=(
            f"{year}年度 {group.name}：参评 {graded} 人，计入季度 {round_.quarters or '无'}，并列待定 {flagged} 人"
        ),
    )
    return round_


def build_round(*, group: GradingGroup, year: int, actor=None, round_: GradingRound | None = None) -> GradingRound:
    """Write the proposal (no role check and no audit: `propose` does both; the demo builder calls
    this directly). The database ranks and grades the group in one INSERT … SELECT (`_insert_grades`),
    the same proposal `propose_grades` makes from `candidates`: a city's 50,000 talents built as
    Python rows and model instances took seconds."""
    assignments = _assignments(group, year)
    graded = assignments.values("talent_id").distinct().order_by().count()
    if not graded:
        raise ValidationError({"year": f"{year}年度该分组没有参评的城市人才。"})
    quarters = sorted(
        QuarterRollup.objects.filter(
            Exists(Score.objects.filter(rollup=OuterRef("pk"), subject_type=SubjectType.TALENT)),
            county_id=group.county_id,
            year=year,
            state__in=CONFIRMED_STATES,
        ).values_list("quarter", flat=True)
    )
    stamp = dict(quarters=",".join(map(str, quarters)), proposed_at=timezone.now(), proposed_by=actor)
    if round_ is None:
        round_ = GradingRound.objects.create(group=group, year=year, **stamp)
    else:
        claim_version(round_, None, **stamp)
        round_.grades.all().delete()
    _insert_grades(round_, group, year, assignments, Quotas.of(group, graded))
    return round_


def _assignments(group: GradingGroup, year: int):
    assignments = TalentAssignment.objects.filter(year=year, village__township__county_id=group.county_id)
    if group.unit_kind:
        assignments = assignments.filter(talent__unit__kind=group.unit_kind)
    return assignments


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _insert_grades(round_: GradingRound, group: GradingGroup, year: int, assignments, quotas: Quotas) -> None:
    """One INSERT … SELECT: each talent's annual figures (as `candidates` sums them; sums rounded to
    their places so that equal values compare equal on SQLite too), ordered by the tie-breakers
    (then talent id), 优秀 to the first places, 差 from the floor, tied people sharing a position,
    and flagged where a quota boundary cuts through a tie (as `propose_grades`)."""
    n = quotas.graded
    excellent, poor_from = quotas.proposed_excellent(), n - quotas.poor_needed
    people = _sql(assignments.values("talent_id").annotate(assignment_id=Max("pk")).order_by())
    scored = _sql(
        Score.objects.filter(
            rollup__county_id=group.county_id,
            rollup__year=year,
            rollup__state__in=CONFIRMED_STATES,
            subject_type=SubjectType.TALENT,
        )
        .values("talent_id")
        .annotate(total=Sum("total"), minus=Sum("deductions"))
        .order_by()
    )
    served = _sql(_service_months(group, year).order_by())
    q = connection.ops.quote_name
    cuts = [cut for cut in (excellent, poor_from) if 0 < cut < n]
    flagged = " OR ".join(["(first_rn <= %s AND last_rn > %s)"] * len(cuts)) or "1 = 0"
    key = "score DESC, months DESC, hours DESC, minus ASC"
    columns = ", ".join(
        q(c)
        for c in (
            "round_id",
            "talent_id",
            "subject_name",
            "township_id",
            "village_id",
            "annual_score",
            "active_months",
            "hours",
            "deductions",
            "position",
            "proposed_grade",
            "grade",
            "reason",
            "flagged",
        )
    )
    grade = "CASE WHEN rn <= %s THEN %s WHEN rn > %s THEN %s ELSE %s END"
    # Only quoted table names and the ORM's compiled subqueries are joined in; every value is a parameter.
    sql = f"""
        INSERT INTO {q(Grade._meta.db_table)} ({columns})
        WITH people AS ({people[0]}), scored AS ({scored[0]}), served AS ({served[0]}),
        keyed AS (
            SELECT p.talent_id, a.village_id, v.township_id, u.name,
                   COALESCE(ROUND(s.total, 2), 0) AS score, COALESCE(m.months, 0) AS months,
                   COALESCE(ROUND(m.hours, 1), 0) AS hours, COALESCE(ROUND(s.minus, 2), 0) AS minus
            FROM people p
            JOIN {q(TalentAssignment._meta.db_table)} a ON a.id = p.assignment_id
            JOIN {q(Village._meta.db_table)} v ON v.id = a.village_id
            JOIN {q(UrbanTalent._meta.db_table)} u ON u.id = p.talent_id
            LEFT JOIN scored s ON s.talent_id = p.talent_id
            LEFT JOIN served m ON m.talent_id = p.talent_id
        ),
        ranked AS (
            SELECT keyed.*, ROW_NUMBER() OVER (ORDER BY {key}, talent_id) AS rn, RANK() OVER (ORDER BY {key}) AS pos
            FROM keyed
        ),
        spans AS (
            SELECT ranked.*,
                   MIN(rn) OVER (PARTITION BY score, months, hours, minus) AS first_rn,
                   MAX(rn) OVER (PARTITION BY score, months, hours, minus) AS last_rn
            FROM ranked
        )
        SELECT %s, talent_id, SUBSTR(name, 1, 60), township_id, village_id, score, months, hours, minus, pos,
               {grade}, {grade}, %s, CASE WHEN {flagged} THEN %s ELSE %s END
        FROM spans
    """  # noqa: S608
    grade_params = (excellent, GradeLevel.EXCELLENT, poor_from, GradeLevel.POOR, GradeLevel.GOOD)
    params = (
        people[1]
        + scored[1]
        + served[1]
        + (round_.pk,)
        + grade_params * 2
        + ("",)
        + tuple(c for cut in cuts for c in (cut, cut))
        + (True, False)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@service
def change_grade(*, actor, grade: Grade, new_grade: str, reason: str) -> Grade:
    row = Grade.objects.visible_to(actor).select_related("round__group").filter(pk=grade.pk).first()
    if row is None:
        raise Http404
    GRADE_WORKFLOW.check("change", row, actor)
    reason = (reason or "").strip()
    if new_grade not in GradeLevel.values:
        raise ValidationError({"grade": "请选择优秀、良好或差。"})
    if not reason:
        raise ValidationError({"reason": "调整等次必须填写理由。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "理由不能超过 200 字。"})
    before = audit.snapshot(row)
    row.grade, row.reason = new_grade, reason
    row.save(update_fields=["grade", "reason"])
    audit.record(
        action="grade_change",
        actor=actor,
        obj=row,
        changes=audit.diff(before, audit.snapshot(row)),
        message=f"调整理由：{reason}",
    )
    return row


def filing_rows(round_: GradingRound) -> list[dict]:
    return [
        {
            "position": g.position,
            "talent_id": g.talent_id,
            "name": g.subject_name,
            "unit": g.talent.unit.name if g.talent.unit_id else "",
            "village": g.village.name if g.village_id else "",
            "annual_score": str(g.annual_score),
            "proposed_grade": g.get_proposed_grade_display(),
            "grade": g.get_grade_display(),
            "reason": g.reason,
            "flagged": g.flagged,
        }
        for g in round_.grades.select_related("talent__unit", "village").order_by("position", "pk")
    ]


@service
def confirm(*, actor, round_: GradingRound, version: int | None = None) -> GradeFiling:
    """Confirm the grades (the quotas must hold), lock them, and file the list as confirmed."""
    row = _visible_round(actor, round_, version)
    ROUND_WORKFLOW.check("confirm", row, actor)
    problems = quota_problems(row.group, list(row.grades.values_list("grade", flat=True)))
    if problems:
        raise ValidationError("；".join(problems) + "。", code="quota")
    claim_version(row, version, state=G.CONFIRMED)
    filing = file_round(row, actor)
    audit.record(
        action="grades_confirm",
        actor=actor,
        obj=row,
        message=f"确认并备案 {len(filing.rows)} 人（{local_text(filing.filed_at)}）",
    )
    events.emit("grades_confirmed", row.pk)  # each graded talent is told, after commit
    return filing


def file_round(row: GradingRound, actor=None) -> GradeFiling:
    """The filing record of a confirmed round: who, when, and the list as filed."""
    return GradeFiling.objects.create(round=row, filed_at=timezone.now(), filed_by=actor, rows=filing_rows(row))


@service
def reopen(*, actor, round_: GradingRound, reason: str, version: int | None = None) -> GradingRound:
    row = _visible_round(actor, round_, version)
    ROUND_WORKFLOW.check("reopen", row, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤回备案必须填写理由。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "理由不能超过 200 字。"})
    claim_version(row, version, state=G.PROPOSED)
    row.filings.filter(reopened_at__isnull=True).update(
        reopened_at=timezone.now(), reopened_by=actor, reopen_reason=reason
    )
    audit.record(action="grades_reopen", actor=actor, obj=row, message=f"撤回理由：{reason}")
    return row


def default_group(county) -> GradingGroup:
    """The county's default group (all its talents, 差 ≥ 10%, 优秀 ≤ 20%), created on first use."""
    group = GradingGroup.objects.filter(county=county, unit_kind="").order_by("pk").first()
    return group or GradingGroup.objects.create(county=county, name="全县城市人才")
