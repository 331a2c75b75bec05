"""Joint meetings and their resolutions: record, edit while draft, finalize, follow up.

Only the two parties of a pairing write its meetings (its village's secretary and its unit's
liaison). Final minutes are read-only; the one thing that still changes is how each resolution is
being carried out (follow-up status and note), which is the point of recording resolutions.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from pairing import date_rules, roles
from pairing.core import audit
from pairing.core.local_time import local_date
from pairing.core.workflows import Step, Workflow
from pairing.models import HonoraryVillageHead, Pairing, TalentAssignment, UrbanTalent

from ..choices import MeetingStatus, ResolutionStatus
from ..date_rules import RULES as DATE_RULES
from ..models import JointMeeting, MeetingResolution
from .guards import OUT_OF_SCOPE, deny, ledger_service, require_visible

PARTIES_LABEL = "结对双方（村党组织书记、结对单位联络员）"
FINAL_IS_READ_ONLY = "会议纪要已定稿，不能再修改；只能更新议定事项的落实情况。"


def is_party(user, pairing: Pairing) -> bool:
    return roles.is_party_to(user, village_id=pairing.village_id, unit_id=pairing.unit_id)


def _meeting_party(user, meeting: JointMeeting) -> bool:
    return is_party(user, meeting.pairing)


_DRAFT = frozenset({MeetingStatus.DRAFT})

# A meeting belongs to its pairing's two parties; once final, only its resolutions' follow-up
# changes. `record` is taken on the pairing; the resolution steps on the resolution's meeting.
WORKFLOW = Workflow(
    "joint_meeting",
    [
        Step("record", "登记联席会议", is_party, PARTIES_LABEL, creates=True),
        Step("edit", "修改会议记录", _meeting_party, PARTIES_LABEL, _DRAFT, hint="只能更新议定事项的落实情况。"),
        Step(
            "add_resolution", "添加议定事项", _meeting_party, PARTIES_LABEL, _DRAFT, hint="只能更新议定事项的落实情况。"
        ),
        Step(
            "finalize",
            "定稿会议纪要",
            _meeting_party,
            PARTIES_LABEL,
            _DRAFT,
            confirm="定稿后会议纪要不能再修改，只能更新议定事项的落实情况。",
        ),
        Step(
            "delete",
            "删除会议记录",
            _meeting_party,
            PARTIES_LABEL,
            _DRAFT,
            confirm="删除后该会议记录及议定事项不可恢复。",
        ),
        Step("follow_up", "更新落实情况", _meeting_party, PARTIES_LABEL),
    ],
    noun="会议纪要",
    model=JointMeeting,
)


def allowed_actions(user, meeting: JointMeeting) -> list[str]:
    return WORKFLOW.allowed(meeting, user)


@dataclass(frozen=True)
class MeetingInput:
    held_at: datetime.datetime
    place: str
    unit_chair: str
    village_chair: str
    attendee_count: int
    agenda: str
    minutes: str = ""
    attendees: str = ""
    attendee_talents: tuple[UrbanTalent, ...] = field(default_factory=tuple)


def default_chairs(pairing: Pairing) -> tuple[str, str]:
    """(honorary village head, village party leader) from the directory, for the form's defaults."""
    head = HonoraryVillageHead.objects.filter(pairing=pairing, end_date__isnull=True).first()
    return (head.name if head else ""), pairing.village.secretary_name


def _check_party(actor, pairing: Pairing, obj=None) -> None:
    if not Pairing.objects.visible_to(actor).filter(pk=pairing.pk).exists():
        raise deny(actor, OUT_OF_SCOPE, obj=obj, object_type="ledgers.jointmeeting")
    WORKFLOW.require_role("record", pairing, actor)


def _check_talents(pairing: Pairing, held_at: datetime.datetime, talents) -> None:
    """Attending talents belong to the unit or serve the village that year."""
    year = local_date(held_at).year
    ids = {t.pk for t in talents}
    allowed = set(UrbanTalent.objects.filter(pk__in=ids, unit_id=pairing.unit_id).values_list("pk", flat=True)) | set(
        TalentAssignment.objects.filter(talent_id__in=ids, village_id=pairing.village_id, year=year).values_list(
            "talent_id", flat=True
        )
    )
    strangers = [t.name for t in talents if t.pk not in allowed]
    if strangers:
        raise ValidationError({"attendee_talents": f"{'、'.join(strangers)}不是结对单位的人才，也未在该村服务。"})


def _apply(meeting: JointMeeting, data: MeetingInput, *, recorded_held_at=None) -> None:
    """Set the meeting's fields from `data`; on an edit, `recorded_held_at` is the stored time,
    whose half year the meeting keeps (ledgers/date_rules.py)."""
    if data.held_at is None:
        raise ValidationError({"held_at": "请填写召开时间。"})
    meeting.held_at = data.held_at
    date_rules.enforce(DATE_RULES, meeting, recorded_held_at=recorded_held_at)
    for name in ("place", "unit_chair", "village_chair", "agenda", "minutes", "attendees"):
        setattr(meeting, name, (getattr(data, name) or "").strip())
    meeting.attendee_count = data.attendee_count
    meeting.updated_at = timezone.now()
    meeting.full_clean(exclude=["pairing", "recorded_by", "finalized_by"])


def _summary(meeting: JointMeeting) -> dict:
    data = audit.snapshot(meeting)
    data["attendee_talents"] = sorted(meeting.attendee_talents.values_list("pk", flat=True))
    return data


@ledger_service
def create_meeting(*, actor, pairing: Pairing, data: MeetingInput) -> JointMeeting:
    """Record a meeting as a draft; the minutes may follow and are finalized separately."""
    _check_party(actor, pairing)
    meeting = JointMeeting(pairing=pairing, recorded_by=actor, created_at=timezone.now())
    _apply(meeting, data)
    _check_talents(pairing, meeting.held_at, data.attendee_talents)
    meeting.save()
    meeting.attendee_talents.set(data.attendee_talents)
    audit.record(action="create", actor=actor, obj=meeting, changes=audit.diff(None, _summary(meeting)))
    return meeting


def _draft_for_update(actor, meeting: JointMeeting, action: str) -> JointMeeting:
    meeting = JointMeeting.objects.select_for_update().select_related("pairing__village").get(pk=meeting.pk)
    require_visible(actor, meeting)
    WORKFLOW.check(action, meeting, actor)
    return meeting


@ledger_service
def update_meeting(*, actor, meeting: JointMeeting, data: MeetingInput) -> JointMeeting:
    meeting = _draft_for_update(actor, meeting, "edit")
    before = _summary(meeting)
    _apply(meeting, data, recorded_held_at=meeting.held_at)
    _check_talents(meeting.pairing, meeting.held_at, data.attendee_talents)
    meeting.save()
    meeting.attendee_talents.set(data.attendee_talents)
    audit.record(action="update", actor=actor, obj=meeting, changes=audit.diff(before, _summary(meeting)))
    return meeting


@ledger_service
def delete_meeting(*, actor, meeting: JointMeeting) -> None:
    meeting = _draft_for_update(actor, meeting, "delete")
    before = _summary(meeting)
    pk = meeting.pk
    meeting.delete()
    meeting.pk = pk
    audit.record(action="delete", actor=actor, obj=meeting, changes=audit.diff(before, None))


@ledger_service
def finalize_meeting(*, actor, meeting: JointMeeting) -> JointMeeting:
    """Draft → final: the minutes are complete and from now on read-only."""
    meeting = _draft_for_update(actor, meeting, "finalize")
    if not meeting.minutes.strip():
        raise ValidationError({"minutes": "请先填写会议纪要再定稿。"})
    if not meeting.unit_chair or not meeting.village_chair:
        raise ValidationError("定稿前请填写两位主持人（名誉村长、村党组织负责人）。")
    before = audit.snapshot(meeting)
    now = timezone.now()
    # Conditional update: a second finalize (double tap, both parties at once) changes nothing.
    changed = JointMeeting.objects.filter(pk=meeting.pk, status=MeetingStatus.DRAFT).update(
        status=MeetingStatus.FINAL, finalized_by=actor, finalized_at=now, updated_at=now
    )
    if changed != 1:
        raise ValidationError("该会议纪要已定稿，请刷新页面。")
    meeting.refresh_from_db()
    audit.record(action="finalize", actor=actor, obj=meeting, changes=audit.diff(before, audit.snapshot(meeting)))
    return meeting


@dataclass(frozen=True)
class ResolutionInput:
    content: str
    responsible: str
    due_date: datetime.date | None = None
    follow_up_status: str = ResolutionStatus.NOT_STARTED
    follow_up_note: str = ""


def _apply_resolution(resolution: MeetingResolution, data: ResolutionInput, actor) -> None:
    resolution.content = (data.content or "").strip()
    resolution.responsible = (data.responsible or "").strip()
    resolution.due_date = data.due_date
    resolution.follow_up_status = data.follow_up_status or ResolutionStatus.NOT_STARTED
    resolution.follow_up_note = (data.follow_up_note or "").strip()
    resolution.updated_by = actor
    resolution.updated_at = timezone.now()
    resolution.full_clean(exclude=["meeting", "updated_by"])


@ledger_service
def add_resolution(*, actor, meeting: JointMeeting, data: ResolutionInput) -> MeetingResolution:
    meeting = _draft_for_update(actor, meeting, "add_resolution")
    resolution = MeetingResolution(meeting=meeting)
    _apply_resolution(resolution, data, actor)
    resolution.save()
    audit.record(action="create", actor=actor, obj=resolution, changes=audit.diff(None, audit.snapshot(resolution)))
    return resolution


def _resolution_for_update(actor, resolution: MeetingResolution) -> MeetingResolution:
    resolution = MeetingResolution.objects.select_for_update().select_related("meeting__pairing").get(pk=resolution.pk)
    require_visible(actor, resolution)
    WORKFLOW.require_role("follow_up", resolution.meeting, actor)
    return resolution


@ledger_service
def update_resolution(*, actor, resolution: MeetingResolution, data: ResolutionInput) -> MeetingResolution:
    """While the minutes are a draft everything changes; once final, only the follow-up does."""
    resolution = _resolution_for_update(actor, resolution)
    before = audit.snapshot(resolution)
    if resolution.meeting.is_final and (
        (data.content or "").strip() != resolution.content
        or (data.responsible or "").strip() != resolution.responsible
        or data.due_date != resolution.due_date
    ):
        raise ValidationError(FINAL_IS_READ_ONLY, code="final")
    _apply_resolution(resolution, data, actor)
    resolution.save()
    audit.record(action="update", actor=actor, obj=resolution, changes=audit.diff(before, audit.snapshot(resolution)))
    return resolution


@ledger_service
def follow_up_resolution(*, actor, resolution: MeetingResolution, status: str, note: str) -> MeetingResolution:
    """Record how a resolution is being carried out (allowed on final minutes too)."""
    resolution = _resolution_for_update(actor, resolution)
    data = ResolutionInput(
        content=resolution.content,
        responsible=resolution.responsible,
        due_date=resolution.due_date,
        follow_up_status=status,
        follow_up_note=note,
    )
    before = audit.snapshot(resolution)
    _apply_resolution(resolution, data, actor)
    resolution.save()
    audit.record(
        action="follow_up", actor=actor, obj=resolution, changes=audit.diff(before, audit.snapshot(resolution))
    )
    return resolution


@ledger_service
def delete_resolution(*, actor, resolution: MeetingResolution) -> None:
    resolution = _resolution_for_update(actor, resolution)
    if resolution.meeting.is_final:
        raise ValidationError(FINAL_IS_READ_ONLY, code="final")
    before = audit.snapshot(resolution)
    pk = resolution.pk
    resolution.delete()
    resolution.pk = pk
    audit.record(action="delete", actor=actor, obj=resolution, changes=audit.diff(before, None))
