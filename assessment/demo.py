"""Demo data for assessment: the default rule table for every demo year, the ended quarters of
last year and this year rolled up and confirmed, last year's grades confirmed and filed."""

from django.utils import timezone

from ledgers.periods import quarter_of

from .choices import GradingState, RollupState
from .models import GradingRound, QuarterRollup, ScoringRule, ScoringWeights
from .services.events import Batch
from .services.grading import build_round, default_group, file_round
from .services.rollup import collector_paused, write_rollup

YEARS_BACK = 2  # the ledger demo covers 36 months


def _ended_quarters(today, year: int) -> list[int]:
    if year < today.year:
        return [1, 2, 3, 4]
    return list(range(1, quarter_of(today)))


def build(ctx) -> None:
    from .services.rules import default_rule_rows

    years = list(range(ctx.year - YEARS_BACK, ctx.year + 1))
    county_admin = ctx.accounts.get("county_admin")
    actor = county_admin.user if county_admin is not None else None
    for county in ctx.counties:
        rules, weights = [], []
        for year in years:
            r, w = default_rule_rows(county, year)
            rules += r
            weights += w
        ScoringRule.objects.bulk_create(rules, batch_size=ctx.batch_size)
        ScoringWeights.objects.bulk_create(weights, batch_size=ctx.batch_size)
    for year in (ctx.year - 1, ctx.year):
        for quarter in _ended_quarters(ctx.today, year):
            batch = Batch(tuple(county.pk for county in ctx.counties))  # every county's quarter in one run
            with collector_paused():
                for county in ctx.counties:
                    rollup, _ = write_rollup(county=county, year=year, quarter=quarter, as_of=ctx.today, batch=batch)
                    QuarterRollup.objects.filter(pk=rollup.pk).update(
                        state=RollupState.PUBLISHED if year < ctx.year else RollupState.CONFIRMED,
                        confirmed_at=timezone.now(),
                        confirmed_by=actor,
                    )
    for county in ctx.counties:
        group = default_group(county)
        round_ = build_round(group=group, year=ctx.year - 1, actor=actor)
        GradingRound.objects.filter(pk=round_.pk).update(state=GradingState.CONFIRMED)
        file_round(round_, actor)
    ctx.log(f"考核：{len(years)} 个年度的考核细则，已确认的季度积分，{ctx.year - 1}年度等次已备案")
