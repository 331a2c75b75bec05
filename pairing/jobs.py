"""Scheduled jobs of the pairing app (pairing/core/jobs.py explains the registry)."""

import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from .core.jobs import job
from .services.exports import delete_expired
from .tasks import delete_expired_tokens


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
