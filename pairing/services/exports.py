"""Export requests: create the record, build its file (inline or in a Celery worker), expire it.

The worker re-reads the requester and re-runs the kind's `clean` with the requester's scope as it is
then: someone who lost the scope between asking and building gets a failed export, not the file.
The build reads in one transaction (REPEATABLE READ on PostgreSQL gives every sheet one
snapshot), progress is written with plain UPDATEs outside it, so the page's polling sees it.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from pairing.choices import ExportStatus
from pairing.core import audit
from pairing.core import exports as registry
from pairing.core.services import service
from pairing.core.uploads import random_upload_name
from pairing.models import Export

logger = logging.getLogger(__name__)

UNKNOWN_KIND = "不支持的导出类型。"
NOT_ALLOWED = "您的角色无权进行该导出。"
LOST_SCOPE = "您已无权导出该数据（权限或范围已变更）。"
FAILED = "生成文件时出错，请稍后重试或联系管理员。"


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "EXPORT_TTL_HOURS", 24))


def _kind(actor, code: str) -> registry.ExportKind:
    kind = registry.get(code or "")
    if kind is None:
        raise ValidationError({"kind": UNKNOWN_KIND})
    if not kind.allowed(actor):
        raise PermissionDenied(NOT_ALLOWED)
    return kind


@service
def request_export(*, actor, kind: str, params: dict | None = None) -> Export:
    """Create the export (params checked in the actor's scope) and enqueue its build after commit.

    A small kind is built at once, in this request; the others by the `build_export` task (which
    runs in-process when there is no REDIS_URL).
    """
    spec = _kind(actor, kind)
    params = dict(params or {})
    spec.clean(actor, params)  # refuses before anything is written
    export = Export.objects.create(owner=actor, kind=kind, params=params)
    audit.record(action="create", actor=actor, obj=export, message=f"申请导出：{spec.label}")
    if spec.inline:
        transaction.on_commit(lambda: run_export(export.pk))
    else:
        from pairing.tasks import build_export

        transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def _progress(export_id: int):
    def report(percent: int) -> None:
        Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(progress=max(0, min(99, percent)))

    return report


def _fail(export: Export, message: str) -> None:
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=message, finished_at=timezone.now())
    audit.record(action="export", actor=export.owner, obj=export, result="failure", message=f"导出失败：{message}")


def run_export(export_id: int, *, audited: bool = True) -> None:
    """Build one export; a second call for the same export does nothing (conditional UPDATE).

    `audited=False` only for the demo builder, whose data is not anyone's action."""
    if not Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING):
        return
    export = Export.objects.select_related("owner").get(pk=export_id)
    owner = export.owner
    kind = registry.get(export.kind)
    try:
        if kind is None or not owner.is_active or not kind.allowed(owner):
            raise PermissionDenied(LOST_SCOPE)
        with transaction.atomic():
            cleaned = kind.clean(owner, dict(export.params))
            built = kind.build(owner, cleaned, _progress(export.pk))
    except (PermissionDenied, ValidationError) as exc:
        _fail(export, LOST_SCOPE if isinstance(exc, ValidationError) else str(exc) or LOST_SCOPE)
        return
    except Exception:
        logger.exception("export %s (%s) failed", export.pk, export.kind)
        _fail(export, FAILED)
        return
    stored = export.file.storage.save(random_upload_name("exports", ".xlsx"), ContentFile(built.content))
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        rows=built.rows,
        file=stored,
        filename=built.filename[:150],
        finished_at=now,
        expires_at=now + ttl(),
    )
    export.refresh_from_db()
    if audited:
        audit.record(action="export", actor=owner, obj=export, message=f"导出{kind.label}（{built.rows} 行，Excel）")


def delete_expired(*, now=None, dry_run: bool = False) -> list[str]:
    """Delete the files (and records) of exports past their expiry; a rerun finds nothing left."""
    now = now or timezone.now()
    expired = Export.objects.filter(expires_at__lte=now)
    lines = []
    for export in expired.iterator():
        lines.append(f"删除过期导出文件：{export.filename or export.kind}（#{export.pk}）")
        if not dry_run:
            if export.file:
                export.file.storage.delete(export.file.name)
            export.delete()
    # Failed or abandoned requests older than the expiry hold no file; they go too.
    stale = Export.objects.filter(expires_at__isnull=True, created_at__lte=now - ttl() * 7)
    if not dry_run:
        stale.delete()
    return lines
