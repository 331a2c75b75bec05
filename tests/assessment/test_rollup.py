"""The quarterly rollup against an independent scorer over a hand-built quarter (tests/assessment/dataset.py)."""

from decimal import Decimal

import pytest

from assessment.choices import EVENTS_BY_SUBJECT
from assessment.models import QuarterRollup, Score, ScoringRule
from assessment.services.rollup import run_rollup
from tests.assessment import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(cast):
    return dataset.build(cast)


def _rollup(cast, q, actor=None):
    return run_rollup(actor=actor or cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)


def _subject_id(score):
    return getattr(score, f"{score.subject_type}_id")


def test_every_subjects_events_and_points_match_the_independent_scorer(cast, quarter):
    rollup = _rollup(cast, quarter)
    expected = dataset.expected_counts(cast, quarter)
    scores = list(Score.objects.filter(rollup=rollup))
    assert {s.subject_type for s in scores} == {"talent", "unit", "village", "township"}
    assert len([s for s in scores if s.subject_type == "talent"]) == 4  # T, T2, the replaced one, the idle one
    checked_events = set()
    for score in scores:
        events = expected.get((score.subject_type, _subject_id(score)), {})
        lines, total = dataset.expected_points(score.subject_type, events)
        for line in score.breakdown:
            want = events.get(line["event"], Decimal(0))
            assert Decimal(str(line["events"])) == want, (score.subject_name, line)
            assert Decimal(str(line["points"])) == lines[line["rule_code"]], (score.subject_name, line)
            if want:
                checked_events.add((score.subject_type, line["event"]))
        assert score.total == total, score.subject_name
    # The dataset exercises every event of the vocabulary with a non-zero count.
    everything = {(t, e) for t, events in EVENTS_BY_SUBJECT.items() for e in events}
    assert everything - checked_events == set()


def _line(score, code):
    return next(line for line in score.breakdown if line["rule_code"] == code)


def test_caps_bound_points_and_deductions_and_weights_make_the_total(cast, quarter):
    rollup = _rollup(cast, quarter)
    t2 = Score.objects.get(rollup=rollup, talent=cast.talent_t2)
    activity = _line(t2, "T01")  # 22 activities × 2 = 44, capped at 30
    assert (activity["events"], activity["raw_points"], activity["points"]) == (22, 44.0, 30.0)
    hours = _line(t2, "T02")  # 82 hours × 0.5 = 41, capped at 20
    assert (hours["raw_points"], hours["points"]) == (41.0, 20.0)
    idle = Score.objects.get(rollup=rollup, talent__name="钱七")
    missed = _line(idle, "T04")  # 3 missed months × −10 = −30: the cap (30) bounds the deduction too
    assert (missed["events"], missed["points"]) == (3, -30.0)
    assert idle.deductions == Decimal("40.00")  # and −10 for the 差 evaluation
    ScoringRule.objects.filter(county=cast.county, year=quarter.year, code="T04").update(cap=Decimal("20"))
    rollup = _rollup(cast, quarter)
    idle = Score.objects.get(rollup=rollup, talent__name="钱七")
    assert (_line(idle, "T04")["raw_points"], _line(idle, "T04")["points"]) == (-30.0, -20.0)
    t = Score.objects.get(rollup=rollup, talent=cast.talent_t)
    assert t.total == (Decimal("0.7") * t.process_points + Decimal("0.3") * t.comprehensive_points).quantize(
        Decimal("0.01")
    )
    assert t.comprehensive_points == Decimal("30.00")  # one 优秀 evaluation


def test_shanghai_boundaries_decide_the_quarter(cast, quarter):
    rollup = _rollup(cast, quarter)
    t = Score.objects.get(rollup=rollup, talent=cast.talent_t)
    # 30 June 23:30 in Shanghai counts; 1 July 00:10 in Shanghai (30 June in UTC) does not.
    assert _line(t, "T05")["events"] == 1
    a1 = Score.objects.get(rollup=rollup, village=cast.village_a1)
    assert _line(a1, "V04")["events"] == 1  # the meeting on the last evening
    assert _line(a1, "V01")["events"] == 2  # April at 23:59 on 5 May, June on 2 July: on time
    assert _line(a1, "V02")["events"] == 1  # May at 00:30 on 6 June (still the 5th in UTC): late
    township_b = Score.objects.get(rollup=rollup, township=cast.township_b)
    assert _line(township_b, "X01")["events"] == 0  # confirmed 00:05 on the 11th: late


def test_ranks_are_dense_within_county_township_and_unit(cast, quarter):
    rollup = _rollup(cast, quarter)
    talents = list(Score.objects.filter(rollup=rollup, subject_type="talent").order_by("-total"))
    totals = [s.total for s in talents]
    assert [s.rank_county for s in talents] == [sorted(set(totals), reverse=True).index(v) + 1 for v in totals]
    a2 = [s for s in talents if s.in_village_id == cast.village_a2.pk]
    in_a = [s for s in talents if s.in_township_id == cast.township_a.pk]
    assert sorted(s.rank_township for s in in_a) == sorted(
        sorted({x.total for x in in_a}, reverse=True).index(s.total) + 1 for s in in_a
    )
    assert a2 and all(s.rank_unit is not None for s in talents)


def test_rerunning_gives_identical_rows(cast, quarter):
    rollup = _rollup(cast, quarter)
    first = list(Score.objects.filter(rollup=rollup).order_by("pk").values())
    _rollup(cast, quarter)
    assert list(Score.objects.filter(rollup=rollup).order_by("pk").values()) == first
    assert QuarterRollup.objects.count() == 1


def test_a_failure_leaves_the_previous_results(cast, quarter, monkeypatch):
    rollup = _rollup(cast, quarter)
    before = list(Score.objects.filter(rollup=rollup).order_by("pk").values())
    ScoringRule.objects.filter(county=cast.county, year=quarter.year, code="T01").update(points=Decimal("9"))
    from assessment.services import rollup as module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module.Score.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _rollup(cast, quarter)
    assert list(Score.objects.filter(rollup=rollup).order_by("pk").values()) == before


def test_the_rollup_counts_in_a_fixed_number_of_queries(cast, quarter, django_assert_max_num_queries):
    _rollup(cast, quarter)  # warm: rows exist
    # Per event one or two aggregate queries, whatever the number of activities or talents.
    with django_assert_max_num_queries(45):
        _rollup(cast, quarter)


def test_the_rows_behind_each_line_are_as_many_as_its_events(cast, quarter):
    from assessment import queries

    rollup = _rollup(cast, quarter)
    checked = 0
    for score in Score.objects.filter(rollup=rollup).select_related("rollup"):
        for line in score.breakdown:
            if line["event"] in ("hours", "talent_active_share"):
                continue  # hours list their activities; a share lists every talent it is taken over
            rows = queries.events_behind(score, line["rule_code"])
            assert len(rows) == line["events"], (score.subject_name, line["rule_code"], rows)
            checked += bool(rows)
    assert checked >= 15


def test_each_stored_digest_is_the_digest_of_the_stored_row(cast, quarter):
    """The rollup joins a row's digest from pre-rendered fragments: it must be the digest of the row
    as stored (its values and its breakdown as sorted JSON), or reruns would rewrite rows."""
    from assessment.services.rollup import SCORE_FIELDS, _digest

    rollup = _rollup(cast, quarter)
    rows = list(Score.objects.filter(rollup=rollup))
    assert rows
    for score in rows:
        values = {f: getattr(score, f) for f in SCORE_FIELDS}
        assert score.digest == _digest(values), score.subject_name


def test_a_rerun_over_unchanged_data_writes_no_score(cast, quarter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _rollup(cast, quarter)
    with CaptureQueriesContext(connection) as captured:
        _rollup(cast, quarter)
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if "assessment_score" in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_counties_scored_in_one_run_get_the_rows_they_get_one_by_one(cast, quarter):
    """run_rollups (the nightly job: one set of aggregate queries grouped by county) leaves every
    county's rows exactly as scoring each county alone does."""
    from assessment.services.rollup import run_rollups
    from assessment.services.rules import install_default_table
    from pairing.models import TalentAssignment

    install_default_table(actor=cast.zoe, county=cast.other_county, year=quarter.year)
    TalentAssignment.objects.create(talent=cast.other_talent, village=cast.other_village, year=quarter.year)
    one = _rollup(cast, quarter)
    other = run_rollup(
        actor=cast.zoe, county=cast.other_county, year=quarter.year, quarter=quarter.quarter, as_of=quarter.as_of
    )
    alone = list(Score.objects.filter(rollup__in=[one, other]).order_by("pk").values())
    assert {s["rollup_id"] for s in alone} == {one.pk, other.pk}
    # Changed rules in both counties, then back: each run recomputes every row in place.
    QuarterRollup.objects.update(stale=True)
    rollups = run_rollups(
        actor=None,
        counties=[cast.county, cast.other_county],
        year=quarter.year,
        quarter=quarter.quarter,
        as_of=quarter.as_of,
        system=True,
    )
    assert [r.pk for r in rollups] == [one.pk, other.pk]
    assert list(Score.objects.filter(rollup__in=rollups).order_by("pk").values()) == alone
    ScoringRule.objects.filter(code="T01").update(points=Decimal("5"))
    run_rollups(
        actor=None,
        counties=[cast.other_county, cast.county],
        year=quarter.year,
        quarter=quarter.quarter,
        as_of=quarter.as_of,
        system=True,
    )
    t = Score.objects.get(rollup=one, talent=cast.talent_t)
    assert _line(t, "T01")["points"] == 15.0  # 3 activities × 5
    assert Score.objects.get(rollup=other, talent=cast.other_talent).rollup_id == other.pk


def test_the_garbage_collector_runs_again_after_a_rollup_even_a_failed_one(cast, quarter, monkeypatch):
    import gc

    from assessment.services import rollup as module

    assert gc.isenabled()
    _rollup(cast, quarter)
    assert gc.isenabled()

    def broken(*args, **kwargs):
        assert not gc.isenabled()  # paused while the rows are built and stored
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_store", broken)
    with pytest.raises(RuntimeError):
        _rollup(cast, quarter)
    assert gc.isenabled()
