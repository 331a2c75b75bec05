"""Enqueue a Celery task so that a web request never fails because of the queue.

Called from `transaction.on_commit` callbacks. Without a broker (REDIS_URL unset) tasks run
eagerly, as everywhere. With a broker that cannot be reached, the send fails after the short
connection timeout in settings; the task then runs in-process instead (every task is idempotent,
so a message that did reach the broker and also ran here does nothing the second time), and any
error of that in-process run is logged, never raised into the request that already committed.
"""

import logging

from django.conf import settings

logger = logging.getLogger("pairing.queue")


def enqueue(task, *args) -> None:
    from config.celery import app

    if app.conf.task_always_eager:
        task.apply(args=args, throw=True)
        return
    try:
        task.apply_async(args=args, retry=False)
        return
    except Exception:
        logger.warning("broker unreachable: running %s in-process", task.name, exc_info=settings.DEBUG)
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("%s failed in-process", task.name)
