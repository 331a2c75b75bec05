"""A ledger month reopened after its quarter was scored marks the quarter stale.

Ledgers may not import assessment (assessment → ledgers → pairing), and the month services change
a month with a conditional UPDATE (no model signal). Every reopen writes an audit record in the
same transaction, so assessment listens to that: the mark commits or rolls back with the reopen.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from pairing.models import AuditEvent


@receiver(post_save, sender=AuditEvent, dispatch_uid="assessment_month_reopened")
def _month_reopened(sender, instance: AuditEvent, created: bool, **kwargs):
    if not created or instance.action != "reopen" or instance.object_type != "ledgers.ledgermonth":
        return
    from ledgers.models import LedgerMonth

    from .services.rollup import mark_month_reopened

    month = LedgerMonth._base_manager.filter(pk=instance.object_id).values("village_id", "month").first()
    if month is not None:
        mark_month_reopened(village_id=month["village_id"], month=month["month"])
