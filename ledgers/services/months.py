"""Month close: open → submitted (village) → confirmed (township) → locked (county), and reopen.

Every transition names the version it was based on; a stale one raises StaleVersionError (409
in the API) before anything is written, and claim_version's conditional UPDATE closes the race.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pairing import roles
from pairing.core import audit, events, local_time
from pairing.core.concurrency import claim_version
from pairing.core.workflows import Step, Workflow
from pairing.exceptions import StaleVersionError
from pairing.models import Village

from ..choices import ActivityStatus, MonthStatus
from ..models import LedgerMonth, ServiceActivity
from ..periods import current_month, month_label, month_range, month_start
from .guards import ledger_service, require_visible

M = MonthStatus


def _officer(user, row: LedgerMonth) -> bool:
    return roles.is_officer_of(user, row.village.township_id)


def _county(user, row: LedgerMonth) -> bool:
    return roles.is_county_admin(user, row.village.township.county_id)


def _submit_question(row: LedgerMonth | None) -> str:
    question = "报送后本月台账不能再修改，如需更正须由乡镇党委退回。"
    if row is None:
        return question
    last_day = month_range(row.month)[1] - datetime.timedelta(days=1)
    if local_time.today() <= last_day:
        # Submitting early is allowed (a village may finish its month's work early) but easy to regret.
        remaining = (last_day - local_time.today()).days + 1
        running = f"{month_label(row.month)}还没有结束（到{last_day.month}月{last_day.day}日，还有{remaining}天）"
        return f"{running}，报送后本月剩下日子的活动不能再登记。{question}"
    return question


WORKFLOW = Workflow(
    "ledger_month",
    [
        Step(
            "submit",
            "报送乡镇",
            lambda user, row: roles.is_secretary_of(user, row.village_id),
            "本村党组织书记（村务专干）",
            frozenset({M.OPEN}),
            confirm=lambda row: _submit_question(row),
        ),
        Step(
            "confirm",
            "确认台账",
            _officer,
            "所属乡镇党委",
            frozenset({M.SUBMITTED}),
            confirm="确认后本月台账即作为考核依据，如需更正须退回村里重新报送。",
        ),
        Step(
            "reopen",
            "退回村修改",
            # A locked month is the county's: only it may reopen one.
            lambda user, row: _county(user, row) or (row.status != M.LOCKED and _officer(user, row)),
            lambda row: "县委组织部" if row.status == M.LOCKED else "所属乡镇党委或县委组织部",
            frozenset({M.SUBMITTED, M.CONFIRMED, M.LOCKED}),
            confirm="退回后该月台账回到村里修改，村里须重新报送、乡镇重新确认。",
            reason=True,
        ),
        Step(
            "lock",
            "归档锁定",
            _county,
            "县委组织部",
            frozenset({M.CONFIRMED}),
            confirm="锁定后只有县委组织部可以解锁退回。",
        ),
    ],
    noun="该月台账",
)


def allowed_actions(user, row: LedgerMonth) -> list[str]:
    return WORKFLOW.allowed(row, user)


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
    row = LedgerMonth.objects.select_related("village__township__county").get(pk=ledger_month.pk)
    require_visible(actor, row)
    if version is not None and int(version) != row.version:
        raise StaleVersionError("该月台账已被他人更新（版本已变化），请刷新页面后重试。")
    return row


MONTH_EVENTS = {
    "submit": "month_submitted",
    "confirm": "month_confirmed",
    "lock": "month_locked",
    "reopen": "month_reopened",
}


def _transition(actor, row: LedgerMonth, version, action: str, message: str = "", **updates) -> LedgerMonth:
    before = audit.snapshot(row)
    claim_version(row, version, **updates)
    audit.record(action=action, actor=actor, obj=row, changes=audit.diff(before, audit.snapshot(row)), message=message)
    events.emit(MONTH_EVENTS[action], row.pk)  # notified after commit (ledgers/events.py)
    return row


@ledger_service
def submit_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The village submits its month to the township; no pending activity may be left behind."""
    row = _fresh(actor, ledger_month, version)
    WORKFLOW.check("submit", row, actor)
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


@ledger_service
def confirm_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The township confirms a submitted month; from here on it is frozen until reopened."""
    row = _fresh(actor, ledger_month, version)
    WORKFLOW.check("confirm", row, actor)
    return _transition(
        actor, row, version, "confirm", status=MonthStatus.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now()
    )


@ledger_service
def lock_month(*, actor, ledger_month: LedgerMonth, version: int | None) -> LedgerMonth:
    """The county archives a confirmed month (e.g. once the quarter is scored); only it may reopen."""
    row = _fresh(actor, ledger_month, version)
    WORKFLOW.check("lock", row, actor)
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
    WORKFLOW.check("reopen", row, actor)
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


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch confirmation did: the months confirmed, and each refused month with its reason."""

    confirmed: list[LedgerMonth]
    refused: list[tuple[str, Exception]]  # (the month as a person names it, the refusal)


def confirm_months(*, actor, versions: dict[int, int | None]) -> BatchOutcome:
    """The township confirms several submitted months at once ({month id: the version it saw}).

    Deliberately not one transaction: each month goes through `confirm_month` on its own (its own
    checks, its own transaction and audit record), so one stale or out-of-state month is refused
    alone and the others are still confirmed. A month the actor cannot see is refused as missing.
    """
    rows = {
        row.pk: row
        for row in LedgerMonth.objects.visible_to(actor).filter(pk__in=list(versions)).select_related("village")
    }
    confirmed, refused = [], []
    for pk in sorted(versions, key=lambda pk: (rows[pk].month, rows[pk].village.code) if pk in rows else (None,)):
        row = rows.get(pk)
        if row is None:
            refused.append(("所选月份", ValidationError("该月台账不存在或不在您的管辖范围内。")))
            continue
        try:
            confirmed.append(confirm_month(actor=actor, ledger_month=row, version=versions[pk]))
        except (ValidationError, PermissionDenied, StaleVersionError) as exc:
            refused.append((f"{row.village.name}{month_label(row.month)}", exc))
    return BatchOutcome(confirmed, refused)
