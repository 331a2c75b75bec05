"""The registry of scheduled jobs: one name per job, a default schedule, a Chinese label.

Each app declares its jobs in its own `jobs.py` with `@job(...)`; `discover()` imports them all
(apps.py ready()). The name is a stable identifier (`run_job NAME`, the beat schedule, the reminder
log); the function takes the local date it runs "as of" and whether it is a dry run, and returns the
lines that say what it sent or would send. Jobs are idempotent: a rerun for the same date sends and
writes nothing new (their unique constraints or conditional updates make it so).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

JobFunction = Callable[..., list[str]]


@dataclass(frozen=True)
class Job:
    name: str
    label: str  # Chinese, shown in the admin and the reminder log
    schedule: str  # crontab "minute hour day-of-month month day-of-week", Asia/Shanghai
    function: JobFunction

    def run(self, *, on: datetime.date, dry_run: bool = False) -> list[str]:
        return self.function(on=on, dry_run=dry_run)


JOBS: dict[str, Job] = {}


def job(name: str, *, label: str, schedule: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function(*, on, dry_run) -> list[str]` as the job `name`."""

    def register(function: JobFunction) -> JobFunction:
        if name in JOBS and JOBS[name].function is not function:
            raise ValueError(f"job {name!r} is declared twice")
        if len(schedule.split()) != 5:
            raise ValueError(f"job {name!r}: a crontab schedule has five fields, not {schedule!r}")
        JOBS[name] = Job(name=name, label=label, schedule=schedule, function=function)
        return function

    return register


def discover() -> dict[str, Job]:
    autodiscover_modules("jobs")
    return JOBS


def get(name: str) -> Job:
    discover()
    return JOBS[name]
