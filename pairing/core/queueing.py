"""Enqueue a Celery task so that a web request never fails because of the queue.

Called from `transaction.on_commit` callbacks. Without a broker (REDIS_URL unset) tasks run
eagerly, as everywhere. With a broker that cannot be reached, the send fails after the short
connection timeout in settings; the task then runs in-process instead, and so do the tasks of the
next BACKOFF_SECONDS without trying the broker (every task is idempotent, so a message that did
reach the broker and also ran here does nothing the second time). Any error of an in-process run
is logged, never raised into the request that already committed; the sweeping jobs retry.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger("pairing.queue")

# After a failed send, skip the broker for this long: one slow request, not every request, pays
# the connection timeout while Redis is down. Per process, and only a shortcut: nothing depends on it.
BACKOFF_SECONDS = 30.0
_down_until = 0.0


def enqueue(task, *args) -> None:
    global _down_until
    from config.celery import app

    if app.conf.task_always_eager:
        task.apply(args=args, throw=True)
        return
    if time.monotonic() >= _down_until:
        try:
            task.apply_async(args=args, retry=False)
            return
        except Exception:
            _down_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning("broker unreachable: running %s in-process", task.name, exc_info=settings.DEBUG)
    try:
        task.apply(args=args, throw=True)
    except Exception:
        logger.exception("%s failed in-process", task.name)
