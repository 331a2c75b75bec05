"""Township half-year work reports (000 §四(二)3): the township drafts and submits; the county sees.

At submission the half year's workbook is built and stored with the record (frozen). The builder
lives in the assessment app (imports point assessment → ledgers), which registers it here.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from pairing import roles
from pairing.core import audit
from pairing.core.services import on_rollback
from pairing.core.uploads import random_upload_name
from pairing.core.workflows import Step, Workflow
from pairing.models import Township

from ..choices import ReportStatus
from ..models import TownshipHalfYearReport
from ..periods import half_year_range
from .guards import OUT_OF_SCOPE, deny, ledger_service, require_visible

_OFFICER = "本乡镇党委工作人员"
_DRAFT = frozenset({ReportStatus.DRAFT})


def _officer(user, report) -> bool:
    return roles.is_officer_of(user, report.township_id)


# The township drafts (`draft` is taken on the township), edits and submits; the county reads.
WORKFLOW = Workflow(
    "township_report",
    [
        Step(
            "draft", "起草和报送本乡镇的半年工作报告", lambda u, t: roles.is_officer_of(u, t.pk), _OFFICER, creates=True
        ),
        Step("edit", "修改工作报告", _officer, _OFFICER, _DRAFT),
        Step(
            "submit",
            "报送县委组织部",
            _officer,
            _OFFICER,
            _DRAFT,
            confirm="报送后工作报告不能再修改。",
        ),
    ],
    noun="该半年工作报告",
    model=TownshipHalfYearReport,
)


# (actor, report) -> (file name, .xlsx bytes); set by assessment's AppConfig.ready.
_workbook_builder: Callable | None = None


def register_workbook_builder(builder: Callable) -> None:
    global _workbook_builder  # one builder for the process, registered once at start-up
    _workbook_builder = builder


def _freeze_workbook(actor, report: TownshipHalfYearReport) -> None:
    """Store the workbook as submitted; later corrections in the portal do not change it."""
    if _workbook_builder is None:
        return
    name, content = _workbook_builder(actor, report)
    storage = report.workbook.storage
    stored = storage.save(random_upload_name("township-reports", ".xlsx"), ContentFile(content))
    on_rollback(lambda: storage.delete(stored))  # a failed submission leaves no file behind
    TownshipHalfYearReport.objects.filter(pk=report.pk).update(workbook=stored, workbook_name=name)


def allowed_actions(user, report: TownshipHalfYearReport) -> list[str]:
    return WORKFLOW.allowed(report, user)


@ledger_service
def save_report(*, actor, township: Township, year: int, half: int, summary: str) -> TownshipHalfYearReport:
    """Create or edit the township's draft for a half year (a submitted report no longer changes)."""
    if not Township.objects.visible_to(actor).filter(pk=township.pk).exists():
        raise deny(actor, OUT_OF_SCOPE, object_type="ledgers.townshiphalfyearreport")
    WORKFLOW.require_role("draft", township, actor)
    if half not in (1, 2):
        raise ValidationError({"half": "半年应为上半年或下半年。"})
    if half_year_range(year, half)[0] > timezone.localdate():
        raise ValidationError({"half": "不能为尚未开始的半年起草报告。"})
    report, created = TownshipHalfYearReport.objects.select_for_update().get_or_create(
        township=township, year=year, half=half, defaults={"created_by": actor}
    )
    if report.is_submitted:
        raise ValidationError("该半年工作报告已报送，不能再修改。", code="submitted")
    before = None if created else audit.snapshot(report)
    report.summary = (summary or "").strip()
    report.updated_at = timezone.now()
    report.full_clean(exclude=["township", "created_by", "submitted_by"], validate_constraints=False)
    report.save()
    audit.record(
        action="create" if created else "update",
        actor=actor,
        obj=report,
        changes=audit.diff(before, audit.snapshot(report)),
    )
    return report


@ledger_service
def submit_report(*, actor, report: TownshipHalfYearReport) -> TownshipHalfYearReport:
    """Draft → submitted to the county organization department."""
    report = TownshipHalfYearReport.objects.select_related("township").get(pk=report.pk)
    require_visible(actor, report)
    WORKFLOW.require_role("submit", report, actor)
    if not report.summary.strip():
        raise ValidationError({"summary": "请先填写工作报告再报送。"})
    before = audit.snapshot(report)
    now = timezone.now()
    changed = TownshipHalfYearReport.objects.filter(pk=report.pk, status=ReportStatus.DRAFT).update(
        status=ReportStatus.SUBMITTED, submitted_by=actor, submitted_at=now, updated_at=now
    )
    if changed != 1:
        raise ValidationError("该半年工作报告已报送，请刷新页面。")
    _freeze_workbook(actor, report)
    report.refresh_from_db()
    audit.record(action="submit", actor=actor, obj=report, changes=audit.diff(before, audit.snapshot(report)))
    return report
