"""Scheduled jobs of the pairing app (pairing/core/jobs.py)."""

import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from .core.jobs import job
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
