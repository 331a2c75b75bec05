"""The registry of scheduled jobs: one name per job, a default schedule, a Chinese label.

Each app declares its jobs in its own `jobs.py` with `@job(...)`; `discover()` imports them all
(pairing/apps.py ready()); settings.JOB_SCHEDULES replaces a declared schedule. The name is a
stable identifier (`run_job NAME`, the beat schedule, the reminder log); the function takes the
local date it runs "as of" and whether it is a dry run, and returns the lines that say what it
sent or would send. Jobs are idempotent: a rerun for the same date sends and writes nothing new
(their unique constraints or conditional updates make it so). `sync_beat()` writes each job into
django-celery-beat as a PeriodicTask calling the one generic task `pairing.tasks.run_job`.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
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

    @property
    def crontab(self) -> str:
        """The schedule in force by configuration: the setting's, else the declared default."""
        return getattr(settings, "JOB_SCHEDULES", {}).get(self.name, self.schedule)


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


TASK = "pairing.tasks.run_job"


def task_name(job: Job) -> str:
    """The PeriodicTask's name: the job's stable name (the admin lists it with its label)."""
    return job.name


def sync_beat() -> list[str]:
    """Write every job into django-celery-beat: one PeriodicTask per job, calling the generic
    `run_job` task with the job's name, on a CrontabSchedule in Asia/Shanghai.

    A job seen for the first time gets the configured schedule. A PeriodicTask that exists keeps
    its schedule and enabled flag: those are the admin's to change. Returns what was created.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    created = []
    for job in discover().values():
        if PeriodicTask.objects.filter(name=task_name(job)).exists():
            continue
        minute, hour, day_of_month, month_of_year, day_of_week = job.crontab.split()
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=task_name(job),
            defaults={
                "task": TASK,
                "crontab": schedule,
                "kwargs": json.dumps({"name": job.name}),
                "description": job.label,
            },
        )
        created.append(job.name)
    return created
