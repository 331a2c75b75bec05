"""Thin Celery tasks: ids in, the service does the work (idempotent: a rerun leaves identical rows)."""

import datetime

from celery import shared_task

from pairing.core.local_time import today
from pairing.models import County

from .services.rollup import recompute_stale, run_rollup


@shared_task
def rollup_quarter(county_id: int, year: int, quarter: int, as_of: str | None = None) -> int:
    county = County.objects.get(pk=county_id)
    day = datetime.date.fromisoformat(as_of) if as_of else today()
    return run_rollup(actor=None, county=county, year=year, quarter=quarter, as_of=day, system=True).pk


@shared_task
def recompute_stale_quarters() -> int:
    return len(recompute_stale(as_of=today()))
