"""The quarterly rollup and annual grading at city scale: times and the rollup's ratio to a raw SQL
aggregate of the same quarter's confirmed participations.

    DATABASE_URL=postgres://…/pairing_city .venv/bin/python bench/assessment.py [--year Y --quarter Q]

Goals (issue 11): the rollup of every subject of every county takes at most 3× a raw SQL aggregate
of the quarter's confirmed participations by talent (count, hours, distinct months), run in the
same process right before; grading 50,000 talents takes under 5 s. Both run inside a transaction
that is rolled back, so the database is left as it was (the demo's confirmed quarters and filed
grades stay). Build the data first: `manage.py seed_demo --scale city` (see bench/README.md).

Measured at city scale (2 December 2026, 10 counties, 51,570 subjects, 2-core machine shared with
other sessions' test runs, load 3–6): before, raw 368 ms, rollup 4,848 ms, ratio 13.2, grading
48,541 talents 5.06 s; after (18 runs, load 1.4–6), raw 283–832 ms, rollup 921–2,172 ms, ratio
1.4–3.7 (2.2–2.6 at a moderate load; best rollup against best raw 3.3, over the goal), grading
1.3–3.4 s. bench/README.md says where the time goes and what is left.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from assessment.models import GradingRound, QuarterRollup, Score, ScoringRule  # noqa: E402
from assessment.services.grading import build_round, default_group  # noqa: E402
from assessment.services.rollup import run_rollups  # noqa: E402
from ledgers.periods import quarter_of, quarter_range  # noqa: E402
from pairing.core.local_time import today  # noqa: E402
from pairing.models import County  # noqa: E402

RATIO_GOAL = 3.0
GRADING_GOAL_S = 5.0


class Rollback(Exception):
    pass


def raw_aggregate(start, end) -> int:
    month = "date_trunc('month', a.date)" if connection.vendor == "postgresql" else "strftime('%%Y-%%m', a.date)"
    sql = f"""
        SELECT p.talent_id, COUNT(*), SUM(p.hours), COUNT(DISTINCT {month})
        FROM ledgers_activityparticipant p JOIN ledgers_serviceactivity a ON a.id = p.activity_id
        WHERE p.talent_id IS NOT NULL AND a.status = 'confirmed' AND a.date >= %s AND a.date < %s
        GROUP BY p.talent_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end])
        return len(cursor.fetchall())


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def rollup_all(counties, year, quarter, as_of) -> tuple[float, int]:
    """Every county's quarter, in a rolled-back transaction (a confirmed quarter is marked stale first,
    so the service recomputes it as the nightly job would: every county in one run). Times the
    service's run alone, not the marking and counting around it."""
    try:
        with transaction.atomic():
            QuarterRollup.objects.filter(year=year, quarter=quarter).update(stale=True, stale_reason="基准测试")
            began = time.perf_counter()
            rollups = run_rollups(actor=None, counties=counties, year=year, quarter=quarter, as_of=as_of, system=True)
            elapsed = time.perf_counter() - began
            subjects = Score.objects.filter(rollup__in=rollups).count()
            raise Rollback
    except Rollback:
        pass
    return elapsed, subjects


def grade_all(counties, year) -> int:
    graded = 0
    try:
        with transaction.atomic():
            GradingRound.objects.filter(year=year).delete()
            for county in counties:
                graded += build_round(group=default_group(county), year=year).grades.count()
            raise Rollback
    except Rollback:
        pass
    return graded


def main():
    day = today()
    last = (day.year, quarter_of(day) - 1) if quarter_of(day) > 1 else (day.year - 1, 4)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=last[0])
    parser.add_argument("--quarter", type=int, default=last[1])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counties = list(
        County.objects.filter(pk__in=ScoringRule.objects.filter(year=args.year).values("county_id")).order_by("code")
    )
    if not counties:
        sys.exit(f"no county has a {args.year} rule table: run seed_demo first")
    start, end = quarter_range(args.year, args.quarter)
    raw_s, talents = timed(lambda: raw_aggregate(start, end), args.repeat)
    runs = [rollup_all(counties, args.year, args.quarter, day) for _ in range(args.repeat)]
    rollup_s, subjects = statistics.median(elapsed for elapsed, _ in runs), runs[-1][1]
    ratio = rollup_s / raw_s if raw_s else float("inf")
    print(f"{connection.vendor}, {len(counties)} counties, {args.year} Q{args.quarter}")
    print(f"raw SQL aggregate ({talents} talents):     {raw_s * 1000:9.1f} ms")
    print(f"rollup of every subject ({subjects} rows): {rollup_s * 1000:9.1f} ms")
    print(f"ratio rollup / raw: {ratio:.2f} (goal ≤ {RATIO_GOAL})  {'OK' if ratio <= RATIO_GOAL else 'OVER'}")
    grading_s, graded = timed(lambda: grade_all(counties, args.year - 1), 1)
    verdict = "OK" if grading_s <= GRADING_GOAL_S else "OVER"
    print(f"grading {graded} talents ({args.year - 1}): {grading_s:.2f} s (goal < {GRADING_GOAL_S} s)  {verdict}")


if __name__ == "__main__":
    main()
