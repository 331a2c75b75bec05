"""Celery tasks of the pairing app. Thin and idempotent (ARCHITECTURE.md "Celery tasks")."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token


def delete_expired_tokens(*, now=None) -> int:
    """Delete API tokens issued more than API_TOKEN_TTL_HOURS ago; return how many went.

    ExpiringTokenAuthentication already refuses an expired token when it is presented; this removes
    the ones nobody presents again, so a leaked database dump holds no token that is still live in
    anyone's mind, and the table stays small.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    deleted, _ = Token.objects.filter(created__lt=cutoff).delete()
    return deleted


@shared_task(ignore_result=True)
def prune_expired_tokens() -> int:
    # A single conditional DELETE: a second run (or two beats racing) finds nothing left to do.
    return delete_expired_tokens()


@shared_task(ignore_result=True)
def run_job(name: str, on_iso: str | None = None) -> int:
    """The one task beat calls for every registered job (pairing/core/jobs.py): the job's name and,
    for a manual run, the local date it runs as of (beat passes none: today in Asia/Shanghai).
    Jobs are idempotent, so a doubled or retried run sends nothing new."""
    import datetime

    from pairing.core import jobs

    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    return len(jobs.get(name).run(on=on, dry_run=False))


@shared_task(ignore_result=True)
def build_export(export_id: int) -> None:
    # Idempotent: run_export moves the export from pending to running with a conditional UPDATE.
    from pairing.services.exports import run_export

    run_export(export_id)
