"""Scheduled jobs of the pairing app (pairing/core/jobs.py explains the registry)."""

import datetime

from django.utils import timezone

from pairing.core.jobs import job
from pairing.services.exports import delete_expired


@job("delete_expired_exports", label="删除过期的导出文件", schedule="30 2 * * *")
def delete_expired_exports(*, on: datetime.date, dry_run: bool = False) -> list[str]:
    return delete_expired(now=timezone.now(), dry_run=dry_run)
