"""Scheduled jobs of the pairing app (pairing/core/jobs.py explains the registry)."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.utils import timezone

from .core import audit
from .core.jobs import job
from .core.local_time import SHANGHAI
from .services.exports import delete_expired
from .tasks import delete_expired_tokens

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


@job("clear_expired_sessions", label="清理过期会话和令牌", schedule="30 2 * * *")
def clear_expired_sessions(*, on: datetime.date, dry_run: bool) -> list[str]:
    """Delete sessions past their expiry and API tokens past their lifetime (a conditional DELETE
    each: a rerun finds nothing). `on` does not matter: expiry is measured against now."""
    sessions = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return [f"将删除过期会话 {sessions.count()} 个"]
    deleted_sessions, _ = sessions.delete()
    return [f"删除过期会话 {deleted_sessions} 个", f"删除过期令牌 {delete_expired_tokens()} 个"]


@job("delete_expired_exports", label="删除过期的导出文件", schedule="40 2 * * *")
def delete_expired_exports(*, on: datetime.date, dry_run: bool = False) -> list[str]:
    return delete_expired(now=timezone.now(), dry_run=dry_run)
