"""The monthly talent reminder (`talent_monthly_service`) at city scale, and its no-op rerun.

    DATABASE_URL=postgres://…/pairing_city .venv/bin/python bench/reminders.py [--date 2026-11-20]
    DATABASE_URL=postgres://…/some_empty_db .venv/bin/python bench/reminders.py --build 50000

Goal (issue 12): over 50,000 talents the job finishes within 30 s and its rerun sends nothing.
With `--build N` it first fills an empty (migrated) database with a synthetic county of N active
talents assigned for the year of --date, a fifth of them with accounts (inbox) and the rest
reminded by SMS, and 30 % already served this month (no reminder). It prints the time of the
first run (rows written, SMS recorded by the logging backend), the rerun's time and count, and the
notification rows of the month afterwards. The job runs inside one transaction per run, as
`run_job` does; its after-commit SMS delivery is included in the time.
"""

import argparse
import datetime
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from ledgers.models import Notification, TalentServiceMonth  # noqa: E402
from pairing.choices import Role  # noqa: E402
from pairing.core import jobs  # noqa: E402
from pairing.models import County, CountyUnit, TalentAssignment, Township, UrbanTalent, User, Village  # noqa: E402

NAME = "talent_monthly_service"
GOAL_SECONDS = 30.0


def build(n: int, on: datetime.date) -> None:
    """A synthetic county: 20 townships, 500 villages, 100 units, n talents (bulk inserts)."""
    if UrbanTalent.objects.exists():
        sys.exit("--build needs a database without talents (it refuses to mix with real or demo data)")
    started = time.monotonic()
    county = County.objects.create(name="基准县", code="990199")
    townships = Township.objects.bulk_create(
        [Township(county=county, name=f"基准{i}镇", code=f"990199{i:03d}") for i in range(20)]
    )
    villages = Village.objects.bulk_create(
        [Village(township=townships[i % 20], name=f"基准{i}村", code=f"990199{i % 20:03d}{i:03d}") for i in range(500)]
    )
    units = CountyUnit.objects.bulk_create([CountyUnit(county=county, name=f"基准单位{i}") for i in range(100)])
    talents = UrbanTalent.objects.bulk_create(
        [
            UrbanTalent(county=county, unit=units[i % 100], name=f"人才{i}", gender="male", phone=f"139{i:08d}")
            for i in range(n)
        ],
        batch_size=5000,
    )
    TalentAssignment.objects.bulk_create(
        [TalentAssignment(talent=t, village=villages[i % 500], year=on.year) for i, t in enumerate(talents)],
        batch_size=5000,
    )
    User.objects.bulk_create(
        [
            User(username=f"bench_talent_{i}", role=Role.TALENT, talent=t, password="!", must_change_password=False)
            for i, t in enumerate(talents)
            if i % 5 == 0
        ],
        batch_size=5000,
    )
    first = on.replace(day=1)
    TalentServiceMonth.objects.bulk_create(
        [
            TalentServiceMonth(talent=t, village=villages[i % 500], month=first, activities=1)
            for i, t in enumerate(talents)
            if i % 10 < 3
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built {n} talents in {time.monotonic() - started:.1f} s")


def timed_run(on: datetime.date) -> tuple[float, float, list[str]]:
    """(seconds for the job, seconds for the after-commit SMS/email delivery, the job's lines).

    With Redis the delivery runs in the worker, apart from the job; without it, eagerly right
    after the commit, which is what the second figure measures."""
    with transaction.atomic():
        started = time.monotonic()
        lines = jobs.get(NAME).run(on=on, dry_run=False)
        job_done = time.monotonic()
    delivered = time.monotonic()
    return job_done - started, delivered - job_done, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--date", default="2026-11-20", help="the local date the job runs as of")
    parser.add_argument("--build", type=int, metavar="N", help="first build a synthetic county of N talents")
    args = parser.parse_args()
    on = datetime.date.fromisoformat(args.date)
    # 35,000 log lines would time the terminal, not the job.
    for name in ("ledgers.sms", "celery.app.trace"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.build:
        build(args.build, on)
    talents = TalentAssignment.objects.filter(year=on.year).values("talent").distinct().count()
    Notification.objects.filter(rule=NAME, period=on.strftime("%Y-%m")).delete()
    first, first_delivery, lines = timed_run(on)
    rerun, rerun_delivery, again = timed_run(on)
    rows = Notification.objects.filter(rule=NAME, period=on.strftime("%Y-%m")).count()
    print(f"talents assigned in {on.year}: {talents}  (database: {connection.vendor})")
    print(f"first run: {first:6.1f} s  {lines[0]}  (then SMS delivery {first_delivery:.1f} s)")
    print(f"rerun:     {rerun:6.1f} s  {again[0]}  (then SMS delivery {rerun_delivery:.1f} s)")
    print(f"rows for {on:%Y-%m}: {rows}; goal: first run ≤ {GOAL_SECONDS:.0f} s and the rerun sends 0")
    ok = first <= GOAL_SECONDS and "已发送 0 条" in again[0]
    print("OK" if ok else "GOAL MISSED")


if __name__ == "__main__":
    main()
