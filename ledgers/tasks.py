"""Celery tasks of the ledgers app: thin, ids only, idempotent (ARCHITECTURE.md "Celery tasks")."""

from celery import shared_task


@shared_task(ignore_result=True)
def deliver_notifications(ids: list[int]) -> int:
    # Each row is claimed by a conditional UPDATE before it goes out: a rerun sends nothing.
    from .services.notifications import deliver

    return deliver(ids)


@shared_task(ignore_result=True)
def send_event(event: str, pk: int, stamp: str) -> int:
    # The dedupe key holds (event, pk, stamp): a retried message writes no second row.
    from .events import handle

    return handle(event, pk, stamp)
