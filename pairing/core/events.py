"""Domain events announced after commit, for whoever listens (ledgers writes notifications).

`pairing` may not import the apps that depend on it, so its services announce what happened
through this signal and ledgers connects the receiver (ledgers/apps.py). Receivers get ids only:
the event name, the row's primary key and a stamp that tells two occurrences apart (a month
confirmed, reopened and confirmed again is notified twice, a retried delivery once).
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

committed = Signal()  # kwargs: event, pk, stamp


def emit(event: str, pk: int) -> None:
    """Announce `event` about row `pk` once the current transaction commits (never if it rolls back)."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    transaction.on_commit(lambda: committed.send(sender=None, event=event, pk=pk, stamp=stamp))
