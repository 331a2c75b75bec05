"""Scheduled assessment jobs (pairing/core/jobs.py): the quarterly rollup and the nightly recompute."""

import datetime

from ledgers.periods import quarter_label, quarter_of
from pairing.core.jobs import job
from pairing.models import County

from .models import QuarterRollup, ScoringRule
from .services.rollup import recompute_stale, run_rollups


def previous_quarter(on: datetime.date) -> tuple[int, int]:
    quarter = quarter_of(on)
    return (on.year, quarter - 1) if quarter > 1 else (on.year - 1, 4)


@job("quarterly_rollup", label="季度积分汇总", schedule="0 3 11 1,4,7,10 *")
def quarterly_rollup(*, on: datetime.date, dry_run: bool) -> list[str]:
    """On the 11th of a quarter's first month (after the months are confirmed), score the last quarter
    in every county with a rule table. A confirmed quarter is left as it is (run_rollup decides)."""
    year, quarter = previous_quarter(on)
    lines, due = [], []
    counties = County.objects.filter(pk__in=ScoringRule.objects.filter(year=year).values("county_id")).order_by("code")
    rollups = {r.county_id: r for r in QuarterRollup.objects.filter(county__in=counties, year=year, quarter=quarter)}
    for county in counties:
        rollup = rollups.get(county.pk)
        if rollup is not None and rollup.is_locked and not rollup.stale:
            lines.append(f"{county.name}{quarter_label(year, quarter)}积分已确认，未重新计算")
            continue
        lines.append(f"{county.name}{quarter_label(year, quarter)}积分计算")
        due.append(county)
    if due and not dry_run:  # every county in one run: the aggregate queries are shared
        run_rollups(actor=None, counties=due, year=year, quarter=quarter, as_of=on, system=True)
    return lines


@job("recompute_stale_scores", label="重新计算台账变动的季度积分", schedule="30 2 * * *")
def recompute_stale_scores(*, on: datetime.date, dry_run: bool) -> list[str]:
    return recompute_stale(as_of=on, dry_run=dry_run)
