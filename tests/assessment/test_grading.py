"""Annual grading: quotas at N = 7, 10, 11 and 95, stated tie-breakers, flagged ties, the shortfall
message, confirmation that locks, reopening with a reason, the filing record."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.choices import GradeLevel, GradingState
from assessment.models import Grade, GradeFiling, GradingGroup, QuarterRollup, Score
from assessment.services import grading
from assessment.services.grading import Candidate, propose_grades, quota_problems
from pairing.models import AuditEvent, TalentAssignment, UrbanTalent

E, G, P = GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.POOR


def group(**quotas) -> GradingGroup:
    return GradingGroup(name="全县", **quotas)  # unsaved: the pure functions only read its quotas


def people(*scores, months=None) -> list[Candidate]:
    return [
        Candidate(i + 1, f"人{i + 1}", None, None, Decimal(s), (months or {}).get(i + 1, 0))
        for i, s in enumerate(scores)
    ]


def grades(proposals) -> list[str]:
    return [p.grade for p in sorted(proposals, key=lambda p: p.candidate.talent_id)]


@pytest.mark.parametrize(
    ("n", "excellent", "poor"),
    [(7, 1, 1), (10, 2, 1), (11, 2, 2), (95, 19, 10)],
)
def test_the_default_quotas_propose_at_most_20_percent_excellent_and_at_least_10_percent_poor(n, excellent, poor):
    proposals = propose_grades(group(), people(*range(n, 0, -1)))
    got = [p.grade for p in proposals]
    assert got.count(E) == excellent and got.count(P) == poor and got.count(G) == n - excellent - poor
    assert got[:excellent] == [E] * excellent and got[n - poor :] == [P] * poor
    assert quota_problems(group(), got) == []
    assert not any(p.flagged for p in proposals)


@pytest.mark.parametrize("n", [7, 10, 11, 95])
def test_a_tie_across_the_excellent_line_is_flagged_and_the_proposal_still_meets_the_quota(n):
    limit = n * 20 // 100
    scores = list(range(1000, 1000 - n, -1))
    scores[limit] = scores[limit - 1]  # the last 优秀 and the first 良好 tie on every tie-breaker
    proposals = propose_grades(group(), people(*scores))
    flagged = [p for p in proposals if p.flagged]
    assert len(flagged) == 2 and {p.grade for p in flagged} == {E, G}
    assert [p.grade for p in proposals].count(E) == limit
    assert flagged[0].position == flagged[1].position  # a tie shares a position


@pytest.mark.parametrize("n", [7, 10, 11, 95])
def test_a_tie_across_the_poor_line_is_flagged_and_the_poor_floor_stays_satisfied(n):
    need = -(-n * 10 // 100)
    scores = list(range(1000, 1000 - n, -1))
    scores[n - need - 1] = scores[n - need]  # the last 良好 ties with the first 差
    proposals = propose_grades(group(), people(*scores))
    flagged = [p for p in proposals if p.flagged]
    assert len(flagged) == 2 and {p.grade for p in flagged} == {G, P}
    assert [p.grade for p in proposals].count(P) == need


def test_the_stated_tie_breakers_settle_equal_annual_scores_without_a_flag():
    # Ten people; 2 and 3 have the same annual score but 3 served more months: 3 is 优秀, 2 is not.
    candidates = people(100, 90, 90, 80, 70, 60, 50, 40, 30, 20, months={2: 5, 3: 9})
    proposals = propose_grades(group(), candidates)
    assert grades(proposals)[:3] == [E, G, E]
    assert not any(p.flagged for p in proposals)
    # Then hours, then fewer deductions.
    a, b = (
        Candidate(1, "甲", None, None, Decimal(50), 6, Decimal(10)),
        Candidate(2, "乙", None, None, Decimal(50), 6, Decimal(12)),
    )
    assert a.key < b.key
    c = Candidate(3, "丙", None, None, Decimal(50), 6, Decimal(12), Decimal(10))
    assert c.key < b.key
    assert grading.TIE_BREAKERS[0].startswith("年度总分")


def test_a_program_with_excellent_at_least_30_percent_proposes_enough_excellent():
    program = group(excellent_max_percent=None, excellent_min_percent=30)
    got = [p.grade for p in propose_grades(program, people(*range(10, 0, -1)))]
    assert got.count(E) == 3 and got.count(P) == 1
    assert quota_problems(program, [E, E] + [G] * 7 + [P]) == ["优秀等次 2 人，不低于 30% 需至少 3 人"]


def test_the_shortfall_message_names_the_count_the_rule_and_the_need():
    grades_ = [P] * 8 + [G] * 80 + [E] * 2  # 90 graded: 10% is 9
    assert quota_problems(group(), grades_) == ["差等次 8 人，不低于 10% 需至少 9 人"]
    assert quota_problems(group(), [E] * 3 + [G] * 6 + [P]) == ["优秀等次 3 人，不高于 20% 最多 2 人"]


# --- through the services -------------------------------------------------------------------


@pytest.fixture
def eleven(cast, db):
    """Eleven talents of the cast's county with confirmed Q1 scores: 11, 10, … 1 points."""
    year = cast.assignment_t.year
    rollup = QuarterRollup.objects.create(
        county=cast.county,
        year=year,
        quarter=1,
        state="confirmed",
        as_of=f"{year}-04-01",
        computed_at="2026-04-01T00:00Z",
    )
    talents = [cast.talent_t, cast.talent_t2]
    for i in range(9):
        talent = UrbanTalent.objects.create(
            county=cast.county, unit=cast.unit_u, name=f"人才{i}", gender="male", phone=f"1390000{i:04d}"
        )
        TalentAssignment.objects.create(talent=talent, village=cast.village_a2, year=year)
        talents.append(talent)
    for points, talent in zip(range(11, 0, -1), talents, strict=True):
        Score.objects.create(
            rollup=rollup,
            subject_type="talent",
            talent=talent,
            subject_name=talent.name,
            total=points,
            process_points=points,
            comprehensive_points=0,
            rank_county=12 - points,
        )
    return grading.default_group(cast.county), year


@pytest.mark.django_db
def test_the_county_proposes_changes_with_a_reason_and_confirmation_refuses_a_quota_shortfall(cast, eleven):
    group_, year = eleven
    round_ = grading.propose(actor=cast.alice, group=group_, year=year)
    assert round_.quarters == "1"
    poor = list(round_.grades.filter(grade=P).order_by("position"))
    assert len(poor) == 2
    with pytest.raises(ValidationError) as refusal:
        grading.change_grade(actor=cast.alice, grade=poor[0], new_grade=G, reason="")
    assert refusal.value.message_dict == {"reason": ["调整等次必须填写理由。"]}
    grading.change_grade(actor=cast.alice, grade=poor[0], new_grade=G, reason="年中调岗，季度数据不全")
    with pytest.raises(ValidationError) as refusal:
        grading.confirm(actor=cast.alice, round_=round_)
    assert refusal.value.messages == ["差等次 1 人，不低于 10% 需至少 2 人。"]
    assert not GradeFiling.objects.exists()


@pytest.mark.django_db
def test_confirmed_grades_lock_and_file_and_change_only_after_a_reopen_with_a_reason(cast, eleven):
    group_, year = eleven
    round_ = grading.propose(actor=cast.alice, group=group_, year=year)
    filing = grading.confirm(actor=cast.alice, round_=round_)
    assert len(filing.rows) == 11 and filing.filed_by == cast.alice
    assert filing.rows[0]["name"] == cast.talent_t.name and filing.rows[0]["grade"] == "优秀"
    round_.refresh_from_db()
    assert round_.state == GradingState.CONFIRMED
    grade = round_.grades.get(talent=cast.talent_t)
    with pytest.raises(ValidationError) as refusal:
        grading.change_grade(actor=cast.alice, grade=grade, new_grade=G, reason="调整")
    assert "已锁定" in refusal.value.messages[0]
    with pytest.raises(ValidationError):
        grading.propose(actor=cast.alice, group=group_, year=year)
    with pytest.raises(ValidationError):
        grading.reopen(actor=cast.alice, round_=round_, reason=" ")
    grading.reopen(actor=cast.alice, round_=round_, reason="县委要求复核")
    filing.refresh_from_db()
    assert filing.reopened_at is not None and filing.reopen_reason == "县委要求复核"
    grading.change_grade(actor=cast.alice, grade=grade, new_grade=G, reason="复核后调整")
    actions = list(AuditEvent.objects.filter(object_type__startswith="assessment.").values_list("action", flat=True))
    assert {"grades_propose", "grade_change", "grades_confirm", "grades_reopen"} <= set(actions)


@pytest.mark.django_db
def test_only_the_county_admin_of_the_county_grades(cast, eleven):
    group_, year = eleven
    for outsider in (cast.bob, cast.erin, cast.frank, cast.zoe):
        with pytest.raises(PermissionDenied):
            grading.propose(actor=outsider, group=group_, year=year)
    round_ = grading.propose(actor=cast.alice, group=group_, year=year)
    grade = Grade.objects.filter(round=round_).first()
    with pytest.raises(PermissionDenied):
        grading.change_grade(actor=cast.erin, grade=grade, new_grade=P, reason="x")


@pytest.mark.django_db
def test_months_and_hours_of_the_year_come_from_confirmed_service(cast):
    from tests.assessment import dataset

    q = dataset.build(cast)
    people, _ = grading.candidates(grading.default_group(cast.county), q.year)
    t = next(p for p in people if p.talent_id == cast.talent_t.pk)
    # March, April, June and July (8 + 3 + 1.5 + 2 + 8 hours); May's were pending or rejected.
    assert (t.active_months, t.hours) == (4, Decimal("22.5"))


@pytest.mark.django_db
def test_each_graded_talent_is_told_the_grade_once_the_confirmation_commits(
    cast, eleven, django_capture_on_commit_callbacks
):
    from django.db.models import Q

    from ledgers.models import Notification

    group_, year = eleven
    round_ = grading.propose(actor=cast.alice, group=group_, year=year)
    with django_capture_on_commit_callbacks(execute=True):
        grading.confirm(actor=cast.alice, round_=round_)
    told = Notification.objects.filter(dedupe_key__startswith=f"grades_confirmed:{year}:")
    graded = set(round_.grades.values_list("talent_id", flat=True))
    assert {n.talent_id or n.recipient.talent_id for n in told.select_related("recipient")} == graded
    mine = told.get(Q(talent=cast.talent_t) | Q(recipient__talent=cast.talent_t))
    assert "优秀" in mine.title + mine.body


@pytest.fixture
def tied(cast, db):
    """Thirty talents of the cast's county with two confirmed quarters (and a computed one that
    does not count), in blocks of identical figures whose scores, months, hours and deductions
    differ one tie-breaker at a time: ties at every tie-breaker and across the quota lines. Unit V
    is an institution (a grading group of its own)."""
    import datetime

    from django.utils import timezone

    from ledgers.models import TalentServiceMonth

    year = cast.assignment_t.year
    cast.unit_v.kind = "institution"
    cast.unit_v.save(update_fields=["kind"])
    rollups = [
        QuarterRollup.objects.create(
            county=cast.county, year=year, quarter=q, state=state, as_of=f"{year}-12-01", computed_at=timezone.now()
        )
        for q, state in ((1, "confirmed"), (2, "published"), (3, "computed"))
    ]
    villages = [cast.village_a1, cast.village_a2, cast.village_b1]
    for i in range(30):
        talent = UrbanTalent.objects.create(
            county=cast.county,
            unit=cast.unit_u if i % 3 else cast.unit_v,
            name=f"并列{i}",
            gender="male",
            phone=f"1380000{i:04d}",
        )
        village = villages[i % 3]
        TalentAssignment.objects.create(talent=talent, village=village, year=year)
        if i == 29:
            continue  # no score and no service at all
        block = i // 3 if i < 12 else i // 4
        for rollup in rollups:
            total = Decimal("10") + Decimal("2.5") * (block // 2)
            Score.objects.create(
                rollup=rollup,
                subject_type="talent",
                talent=talent,
                subject_name=talent.name,
                total=total,
                process_points=total,
                comprehensive_points=0,
                deductions=Decimal(2 * (block % 2)),
                rank_county=1,
            )
        for month in range(1, 2 + (block % 3 == 0)):
            TalentServiceMonth.objects.create(
                talent=talent,
                village=village,
                month=datetime.date(year, month, 1),
                activities=1,
                hours=Decimal("1.5") * (1 + block % 4 // 2),
            )
    return year


GRADE_FIELDS = ("talent_id", "position", "proposed_grade", "grade", "flagged", "annual_score", "active_months")
GRADE_FIELDS += ("hours", "deductions", "township_id", "village_id", "subject_name")


def _as_built(round_) -> list[tuple]:
    return sorted(round_.grades.values_list(*GRADE_FIELDS))


def _as_proposed(proposals) -> list[tuple]:
    def row(p):
        c = p.candidate
        values = (c.talent_id, p.position, p.grade, p.grade, p.flagged, c.annual_score, c.active_months, c.hours)
        return (*values, c.deductions, c.township_id, c.village_id, c.name)

    return sorted(row(p) for p in proposals)


@pytest.mark.django_db
@pytest.mark.parametrize("unit_kind", ["", "institution"])
def test_the_round_the_database_builds_is_the_proposal_of_the_stated_rules(cast, tied, unit_kind):
    """build_round ranks and grades in one INSERT … SELECT: the same rows, positions, grades and flags
    as propose_grades over the candidates (every cast talent, plus thirty with ties)."""
    year = tied
    group_ = (
        GradingGroup.objects.create(county=cast.county, name="事业单位", unit_kind=unit_kind)
        if unit_kind
        else grading.default_group(cast.county)
    )
    if not unit_kind:  # one of the proposals under a minimum-excellent program too
        group_.excellent_max_percent, group_.excellent_min_percent = None, 30
        group_.save()
    people, quarters = grading.candidates(group_, year)
    expected = _as_proposed(propose_grades(group_, people))
    assert quarters == [1, 2]
    assert unit_kind or sum(row[4] for row in expected) == 7  # ties cut by both quota lines
    round_ = grading.build_round(group=group_, year=year)
    assert round_.quarters == "1,2"
    assert _as_built(round_) == expected
    assert quota_problems(group_, [row[3] for row in _as_built(round_)]) == []
