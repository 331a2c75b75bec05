"""Month close: open → submitted (village) → confirmed (township) → locked (county), and reopen.

Every transition names the version it was based on; a stale one raises StaleVersionError (409
in the API) before anything is written, and claim_version's conditional UPDATE closes the race.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from pairing import audit
from pairing.choices import Role
from pairing.concurrency import claim_version
from pairing.exceptions import StaleVersionError
from pairing.models import Village

from ..choices import ActivityStatus, MonthStatus
from ..models import LedgerMonth, ServiceActivity
from ..periods import current_month, month_label, month_range, month_start
from .guards import deny, ledger_service, require_visible


@ledger_service
def ensure_month(*, actor, village: Village, month: datetime.date) -> LedgerMonth:
    """The village's row for `month`, created open if missing (reading needs no row; a transition does)."""
    require_visible(actor, village)
    first = month_start(month)
    if first > current_month():
        raise ValidationError({"month": "不能操作未来月份的台账。"})
    row, created = LedgerMonth.objects.get_or_create(village=village, month=first)
    if created:
        audit.record(action="create", actor=actor, obj=row, changes=audit.diff(None, audit.snapshot(row)))
    return row


def _fresh(actor, ledger_month: LedgerMonth, version) -> LedgerMonth:
    row = LedgerMonth.objects.select_related("village__township").get(pk=ledger_month.pk)
    require_visible(actor, row)
    if version is not None and int(version) != row.version:
        raise StaleVersionError("该月台账已被他人更新（版本已变化），请刷新页面后重试。")
    return row


def _transition(actor, row: LedgerMonth, version, action: str, message: str = "", **updates) -> LedgerMonth:
    before = audit.snapshot(row)
    claim_version(row, version, **updates)
    audit.record(action=action, actor=actor, obj=row, changes=audit.diff(before, audit.snapshot(row)), message=message)
    return row


def _require_status(row: LedgerMonth, *allowed: str, verb: str) -> None:
    if row.status not in allowed:
        raise ValidationError(f"{row}当前为“{row.get_status_display()}”，不能{verb}。", code="bad_status")


@ledger_service
def submit_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The village submits its month to the township; no pending activity may be left behind."""
    row = _fresh(actor, ledger_month, version)
    if not (actor.is_superuser or (actor.role == Role.VILLAGE_SECRETARY and actor.village_id == row.village_id)):
        raise deny(actor, "只有本村党组织书记（村务专干）可以报送月度台账。", obj=row)
    _require_status(row, MonthStatus.OPEN, verb="报送")
    if row.month > current_month():
        raise ValidationError("不能报送未来月份的台账。")
    start, end = month_range(row.month)
    pending = ServiceActivity.objects.filter(
        village_id=row.village_id, date__gte=start, date__lt=end, status=ActivityStatus.PENDING
    ).count()
    if pending:
        raise ValidationError(f"{month_label(row.month)}还有 {pending} 条待确认的活动，请先确认或退回后再报送。")
    return _transition(
        actor, row, version, "submit", status=MonthStatus.SUBMITTED, submitted_by=actor, submitted_at=timezone.now()
    )


def _is_township_officer_of(actor, row: LedgerMonth) -> bool:
    return actor.role == Role.TOWNSHIP_OFFICER and actor.township_id == row.village.township_id


@ledger_service
def confirm_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The township confirms a submitted month; from here on it is frozen until reopened."""
    row = _fresh(actor, ledger_month, version)
    if not (actor.is_superuser or _is_township_officer_of(actor, row)):
        raise deny(actor, "只有所属乡镇党委可以确认月度台账。", obj=row)
    _require_status(row, MonthStatus.SUBMITTED, verb="确认")
    return _transition(
        actor, row, version, "confirm", status=MonthStatus.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now()
    )


@ledger_service
def lock_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The county archives a confirmed month (e.g. once the quarter is scored); only it may reopen."""
    row = _fresh(actor, ledger_month, version)
    if not (actor.is_superuser or actor.role == Role.COUNTY_ADMIN):
        raise deny(actor, "只有县委组织部可以归档锁定月度台账。", obj=row)
    _require_status(row, MonthStatus.CONFIRMED, verb="归档锁定")
    return _transition(actor, row, version, "lock", status=MonthStatus.LOCKED, locked_at=timezone.now())


@ledger_service
def reopen_month(*, actor, ledger_month: LedgerMonth, version: int | None, reason: str) -> LedgerMonth:
    """Send a month back to the village with a reason (audited); the village corrects and resubmits."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回月度台账必须填写原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "退回原因不能超过 200 字。"})
    row = _fresh(actor, ledger_month, version)
    if actor.is_superuser or actor.role == Role.COUNTY_ADMIN:
        allowed = (MonthStatus.SUBMITTED, MonthStatus.CONFIRMED, MonthStatus.LOCKED)
    elif _is_township_officer_of(actor, row):
        allowed = (MonthStatus.SUBMITTED, MonthStatus.CONFIRMED)
    else:
        raise deny(actor, f"只有{row.reopener}可以退回该月台账。", obj=row)
    if row.status == MonthStatus.LOCKED and row.status not in allowed:
        raise deny(actor, f"该月台账已归档锁定，只有{row.reopener}可以退回。", obj=row)
    _require_status(row, *allowed, verb="退回")
    return _transition(
        actor,
        row,
        version,
        "reopen",
        message=f"退回原因：{reason}",
        status=MonthStatus.OPEN,
        reopened_by=actor,
        reopened_at=timezone.now(),
        reopen_reason=reason,
    )
