"""The pairing app's scheduled jobs (pairing.core.jobs registry)."""

import datetime

from django.conf import settings
from django.db import connections, transaction

from pairing.core import audit
from pairing.core.jobs import job
from pairing.core.local_time import SHANGHAI

# The floor of SECURITY.md 13, also enforced by the settings and by the PostgreSQL trigger.
MIN_RETENTION_DAYS = 184


def purge_alias() -> str:
    """The owner role's connection when one is configured (AUDIT_OWNER_DATABASE_URL): the runtime
    role may not delete audit records, so in production only the owner's connection can."""
    return "audit_owner" if "audit_owner" in settings.DATABASES else "default"


@job("purge_old_audit", label="清理超过保存期限的审计记录", schedule="30 3 * * *")
def purge_old_audit(*, on: datetime.date, dry_run: bool = False) -> list[str]:
    days = max(settings.AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS)
    cutoff = datetime.datetime.combine(on - datetime.timedelta(days=days), datetime.time(), tzinfo=SHANGHAI)
    alias = purge_alias()
    # Raw SQL: the model's manager refuses deletes on purpose (pairing.models.audit).
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pairing_auditevent WHERE created_at < %s", [cutoff])
        (count,) = cursor.fetchone()
        if dry_run or not count:
            note = "（试运行，未删除）" if dry_run else ""
            return [f"早于 {cutoff.date().isoformat()} 的审计记录 {count} 条{note}"]
        cursor.execute("DELETE FROM pairing_auditevent WHERE created_at < %s", [cutoff])
    audit.record(
        action="audit_purge",
        object_type="pairing.auditevent",
        message=f"删除早于 {cutoff.date().isoformat()} 的审计记录 {count} 条（保存期限 {days} 天）。",
    )
    return [f"已删除早于 {cutoff.date().isoformat()} 的审计记录 {count} 条"]
