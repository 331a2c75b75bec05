"""Rollup states: confirm locks, publish, a reopened ledger month or a changed rule marks the quarter
stale, the nightly job recomputes it; the jobs, the command and the task."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from assessment import jobs, tasks
from assessment.models import QuarterRollup, Score, ScoringRule
from assessment.services import rollup as service
from assessment.services import rules
from ledgers.models import LedgerMonth
from ledgers.services.months import reopen_month
from pairing.core.jobs import discover
from tests.assessment import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(cast):
    q = dataset.build(cast)
    rollup = service.run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    return q, service.confirm_rollup(actor=cast.alice, rollup=rollup)


def test_a_confirmed_quarter_is_locked_until_something_changes(cast, confirmed):
    q, rollup = confirmed
    assert rollup.state == "confirmed" and service.WORKFLOW.allowed(rollup, cast.alice) == ["publish"]
    with pytest.raises(ValidationError) as refusal:
        service.run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    assert "已确认锁定" in refusal.value.messages[0]
    with pytest.raises(PermissionDenied):
        service.publish_rollup(actor=cast.bob, rollup=rollup)
    assert service.publish_rollup(actor=cast.alice, rollup=rollup).state == "published"


def test_a_ledger_month_reopened_after_confirmation_marks_the_quarter_stale_and_the_nightly_job_recomputes(
    cast, confirmed
):
    q, rollup = confirmed
    before = Score.objects.get(rollup=rollup, village=cast.village_a1)
    april = LedgerMonth.objects.get(village=cast.village_a1, month=q.months[0])
    reopen_month(actor=cast.bob, ledger_month=april, version=april.version, reason="活动照片缺失")
    rollup.refresh_from_db()
    assert rollup.stale and "退回修改" in rollup.stale_reason
    with pytest.raises(ValidationError):
        service.confirm_rollup(actor=cast.alice, rollup=rollup)
    assert jobs.recompute_stale_scores(on=q.as_of, dry_run=True) == [
        f"测试县{rollup.label}：{rollup.stale_reason}重新计算"
    ]
    assert QuarterRollup.objects.get(pk=rollup.pk).stale  # a dry run changes nothing
    jobs.recompute_stale_scores(on=q.as_of, dry_run=False)
    rollup.refresh_from_db()
    assert (rollup.stale, rollup.state) == (False, "computed")
    after = Score.objects.get(rollup=rollup, village=cast.village_a1)
    assert after.pk == before.pk
    on_time = next(line for line in after.breakdown if line["rule_code"] == "V01")
    assert on_time["events"] == 1  # April is open again: no longer submitted on time
    assert jobs.recompute_stale_scores(on=q.as_of, dry_run=False) == []


def test_changing_a_rule_after_confirmation_marks_the_quarter_stale(cast, confirmed):
    q, rollup = confirmed
    rule = ScoringRule.objects.get(county=cast.county, year=q.year, code="T01")
    rule.points = Decimal("3")
    rules.save_rule(actor=cast.alice, rule=rule)
    rollup.refresh_from_db()
    assert rollup.stale and "细则" in rollup.stale_reason
    rollup = service.run_rollup(actor=cast.alice, county=cast.county, year=q.year, quarter=q.quarter, as_of=q.as_of)
    t = Score.objects.get(rollup=rollup, talent=cast.talent_t)
    assert next(line for line in t.breakdown if line["rule_code"] == "T01")["points"] == 9.0  # 3 activities × 3


def test_only_the_county_admin_edits_rules_and_runs_the_rollup(cast, confirmed):
    q, _ = confirmed
    rule = ScoringRule.objects.get(county=cast.county, year=q.year, code="T01")
    for outsider in (cast.bob, cast.dave, cast.erin, cast.frank, cast.zoe):
        with pytest.raises(PermissionDenied):
            rules.save_rule(actor=outsider, rule=rule)
    with pytest.raises(PermissionDenied):
        service.run_rollup(actor=cast.zoe, county=cast.county, year=q.year, quarter=1, as_of=q.as_of)


def test_copy_last_years_table_and_the_default_table_refuse_an_existing_year(cast, confirmed):
    q, _ = confirmed
    assert rules.copy_previous_year(actor=cast.alice, county=cast.county, year=q.year + 1) == 22
    with pytest.raises(ValidationError):
        rules.install_default_table(actor=cast.alice, county=cast.county, year=q.year + 1)
    with pytest.raises(ValidationError) as refusal:
        rules.copy_previous_year(actor=cast.alice, county=cast.county, year=q.year + 5)
    assert "没有考核细则可复制" in refusal.value.messages[0]


def test_the_jobs_are_registered_with_their_schedules():
    registry = discover()
    assert registry["quarterly_rollup"].schedule == "0 3 11 1,4,7,10 *"
    assert registry["recompute_stale_scores"].schedule == "30 2 * * *"


def test_the_quarterly_job_scores_the_last_quarter_and_leaves_a_confirmed_one(cast, confirmed):
    q, rollup = confirmed
    import datetime

    on = datetime.date(q.year, 7, 11)
    assert jobs.quarterly_rollup(on=on, dry_run=False) == [f"测试县{rollup.label}积分已确认，未重新计算"]
    assert jobs.previous_quarter(datetime.date(q.year, 1, 11)) == (q.year - 1, 4)


def test_the_command_and_the_task_compute_and_rerun_to_identical_rows(cast):
    q = dataset.build(cast)
    call_command(
        "rollup_scores",
        "--year",
        str(q.year),
        "--quarter",
        "2",
        "--county",
        cast.county.code,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    rollup = QuarterRollup.objects.get(county=cast.county, year=q.year, quarter=2)
    rows = list(Score.objects.filter(rollup=rollup).order_by("pk").values())
    tasks.rollup_quarter.delay(cast.county.pk, q.year, 2, q.as_of.isoformat())
    assert list(Score.objects.filter(rollup=rollup).order_by("pk").values()) == rows
