"""The resolution rate and the daily summary, against direct counts on constructed data
(Asia/Shanghai day and year boundaries)."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers.choices import DemandStatus
from ledgers.models import Demand
from ledgers.services.demand_stats import (
    daily_summary,
    local_bounds,
    percent,
    resolution_rate,
    resolution_rates,
    year_bounds,
)
from pairing.choices import DemandCategory
from pairing.models import Pairing

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = (DemandStatus.PUBLISHED, DemandStatus.CLAIMED, DemandStatus.IN_PROGRESS)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def make(village, published, status=DemandStatus.PUBLISHED, resolved=None, due=None, title="需求"):
    return Demand(
        village=village,
        category=DemandCategory.LIVELIHOOD,
        title=title,
        description="内容",
        published_at=published,
        status=status,
        resolved_at=resolved,
        outcome="已办结" if status == DemandStatus.RESOLVED else "",
        close_reason="无法解决" if status == DemandStatus.CLOSED else "",
        due_date=due,
        claimed_count=1 if status != DemandStatus.PUBLISHED else 0,
    )


def test_the_seed_003_headline_rounds_like_the_report():
    assert percent(1187, 1233) == Decimal("96.3")
    assert percent(0, 0) is None and percent(3, 3) == Decimal("100.0")


def test_the_headline_figure_on_1233_collected_and_1187_solved(cast):
    villages = [cast.village_a1, cast.village_a2, cast.village_b1]
    rows = [
        make(villages[i % 3], at(2025, 1 + i % 12, 1 + i % 28, 10), DemandStatus.RESOLVED, at(2025, 12, 31, 20))
        for i in range(1187)
    ] + [make(villages[i % 3], at(2025, 6, 1, 9), DemandStatus.CLOSED) for i in range(46)]
    Demand.objects.bulk_create(rows)
    start, end = year_bounds(2025)
    headline = resolution_rate(Demand.objects.visible_to(cast.alice), start, end)
    assert (headline.collected, headline.resolved, headline.rate) == (1233, 1187, Decimal("96.3"))


@pytest.fixture
def dataset(cast):
    """300 demands over 2024–2026 in A1, A2 and B1 with random statuses, plus boundary cases."""
    rng = random.Random(7)
    villages = [cast.village_a1, cast.village_a2, cast.village_b1]
    rows = []
    for _ in range(300):
        published = at(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
        status = rng.choice(list(DemandStatus))
        resolved = published + datetime.timedelta(days=rng.randint(0, 90)) if status == DemandStatus.RESOLVED else None
        rows.append(make(rng.choice(villages), published, status, resolved))
    # New Year's Eve in Shanghai is still 2025; midnight is 2026 although UTC still says 2025.
    rows.append(make(cast.village_a1, at(2025, 12, 31, 23, 30), DemandStatus.RESOLVED, at(2025, 12, 31, 23, 50)))
    rows.append(make(cast.village_a1, at(2026, 1, 1, 0, 0), DemandStatus.RESOLVED, at(2026, 1, 1, 8)))
    # Collected in 2025, solved only in 2026: not solved as of 2025's end.
    rows.append(make(cast.village_b1, at(2025, 12, 20, 9), DemandStatus.RESOLVED, at(2026, 1, 1, 0, 0)))
    Demand.objects.bulk_create(rows)
    return rows


def _direct(user, start, end, key):
    """A plain Python count over the visible rows: collected in [start, end), resolved before end."""
    counts = {}
    for demand in Demand.objects.visible_to(user).select_related("village__township"):
        if not start <= demand.published_at < end:
            continue
        group = key(demand)
        collected, resolved = counts.get(group, (0, 0))
        solved = demand.status == DemandStatus.RESOLVED and demand.resolved_at < end
        counts[group] = (collected + 1, resolved + int(solved))
    return counts


@pytest.mark.parametrize("year", [2024, 2025, 2026])
@pytest.mark.parametrize(
    "level, key",
    [
        ("village", lambda d: d.village_id),
        ("township", lambda d: d.village.township_id),
        ("county", lambda d: d.village.township.county_id),
    ],
)
def test_rates_per_village_township_and_county_match_a_direct_count(cast, dataset, year, level, key):
    start, end = year_bounds(year)
    with CaptureQueriesContext(connection) as queries:
        rows = resolution_rates(Demand.objects.visible_to(cast.alice), start, end, level)
    assert len(queries) == 1  # one grouped query, whatever the number of villages
    expected = _direct(cast.alice, start, end, key)
    assert {r.id: (r.collected, r.resolved) for r in rows} == expected
    for row in rows:
        assert row.rate == percent(row.resolved, row.collected)
    total = resolution_rate(Demand.objects.visible_to(cast.alice), start, end)
    assert total.collected == sum(c for c, _ in expected.values())
    assert total.resolved == sum(r for _, r in expected.values())


def test_year_boundaries_are_midnight_in_shanghai(cast, dataset):
    start, end = year_bounds(2026)
    assert start == datetime.datetime(2025, 12, 31, 16, 0, tzinfo=datetime.UTC)
    eve = Demand.objects.get(published_at=at(2025, 12, 31, 23, 30))
    midnight = Demand.objects.get(published_at=at(2026, 1, 1))
    in_2026 = Demand.objects.filter(published_at__gte=start, published_at__lt=end)
    assert midnight in in_2026 and eve not in in_2026
    late = Demand.objects.get(published_at=at(2025, 12, 20, 9))
    _, end_2025 = year_bounds(2025)
    assert late.resolved_at == end_2025  # solved at 2026's first instant: unsolved for 2025


def test_the_township_officer_sees_the_rate_of_their_villages_only(cast, dataset):
    start, end = year_bounds(2025)
    rows = resolution_rates(Demand.objects.visible_to(cast.bob), start, end, "village")
    assert {r.id for r in rows} <= {cast.village_a1.pk, cast.village_a2.pk}
    assert {r.id: (r.collected, r.resolved) for r in rows} == _direct(cast.bob, start, end, lambda d: d.village_id)


DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def day_dataset(cast):
    """Demands around 10 March 2026 in A1, A2 (township A) and B1; V once paired with A2 (ended)."""
    Pairing.objects.create(unit=cast.unit_v, village=cast.village_a2, start_year=2020, end_year=2025)
    eve, midnight, last = at(2026, 3, 9, 23, 59, 59), at(2026, 3, 10, 0, 0), at(2026, 3, 10, 23, 59, 59)
    rows = {
        "a1_new_at_midnight": make(cast.village_a1, midnight),
        "a1_new_last_second_claimed": make(cast.village_a1, last, DemandStatus.CLAIMED, due=DAY),
        "a1_eve_unclaimed_overdue": make(cast.village_a1, eve, due=DAY - datetime.timedelta(days=1)),
        "a1_old_in_progress_overdue": make(
            cast.village_a1, at(2026, 2, 1, 9), DemandStatus.IN_PROGRESS, due=DAY.replace(day=1)
        ),
        "a1_old_resolved_past_due": make(
            cast.village_a1, at(2026, 2, 1, 9), DemandStatus.RESOLVED, at(2026, 2, 5), due=DAY.replace(day=1)
        ),
        "a1_tomorrow": make(cast.village_a1, at(2026, 3, 11, 0, 0)),
        "a2_new": make(cast.village_a2, at(2026, 3, 10, 12)),
        "b1_closed_past_due": make(cast.village_b1, at(2026, 1, 5, 9), DemandStatus.CLOSED, due=DAY.replace(day=2)),
        "b1_unclaimed": make(cast.village_b1, at(2026, 1, 5, 9)),
    }
    for title, row in rows.items():
        row.title = title
    Demand.objects.bulk_create(rows.values())
    return rows


def _expected(user, day):
    start, end = local_bounds(day, day + datetime.timedelta(days=1))
    out = {}
    for d in Demand.objects.visible_to(user):
        new = start <= d.published_at < end
        unclaimed = d.published_at < end and d.status == DemandStatus.PUBLISHED
        overdue = d.published_at < end and d.status in OPEN and d.due_date is not None and d.due_date < day
        n, u, o = out.get(d.village_id, (0, 0, 0))
        out[d.village_id] = (n + new, u + unclaimed, o + overdue)
    return {k: v for k, v in out.items() if any(v)}


def test_the_daily_summary_per_village_matches_a_direct_count(cast, day_dataset):
    summary = daily_summary(DAY, cast.alice)
    assert {r.id: (r.new, r.unclaimed, r.overdue) for r in summary.villages} == _expected(cast.alice, DAY)
    a1 = next(r for r in summary.villages if r.id == cast.village_a1.pk)
    # new: midnight and the last second (not the eve, not tomorrow); unclaimed: midnight and the eve;
    # overdue: the eve's (due yesterday) and the old one in progress (due the 1st), not the resolved one.
    assert (a1.new, a1.unclaimed, a1.overdue) == (2, 2, 2)
    assert summary.totals == {"new": 3, "unclaimed": 4, "overdue": 2}
    assert summary.villages[0].id == cast.village_a1.pk  # most overdue first


def test_the_daily_summary_per_unit_counts_only_pairings_of_that_year(cast, day_dataset):
    summary = daily_summary(DAY, cast.alice)
    units = {r.id: (r.new, r.unclaimed, r.overdue) for r in summary.units}
    expected = _expected(cast.alice, DAY)
    assert units[cast.unit_u.pk] == expected[cast.village_a1.pk]
    # V's pairing with A2 ended in 2025: only B1 counts for V in 2026.
    assert units[cast.unit_v.pk] == expected[cast.village_b1.pk]


def test_the_daily_summary_follows_the_scope(cast, day_dataset):
    bob = daily_summary(DAY, cast.bob)
    assert {r.id for r in bob.villages} == {cast.village_a1.pk, cast.village_a2.pk}
    assert {r.id for r in bob.units} == {cast.unit_u.pk}
    assert daily_summary(DAY, cast.zoe).villages == []
    assert daily_summary(DAY, cast.grace).totals == {"new": 0, "unclaimed": 0, "overdue": 0}


def test_the_daily_summary_costs_three_queries(cast, day_dataset):
    with CaptureQueriesContext(connection) as queries:
        daily_summary(DAY, cast.alice)
    assert len(queries) == 3  # per village, per unit, totals
