"""Recording, editing, confirming and rejecting service activities, and their photos.

Confirmation rule: an activity the village secretary records is confirmed on save; one recorded
on the village's behalf by a talent or the paired unit's liaison stays pending until the village
confirms it or rejects it with a reason. Only confirmed activities count anywhere.
"""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from pairing import date_rules, roles
from pairing.choices import Role
from pairing.core import audit, events
from pairing.core.scoping import can_edit
from pairing.core.services import on_rollback
from pairing.core.uploads import random_upload_name, reencode_image, validate_image_upload
from pairing.core.workflows import Step, Workflow
from pairing.models import AgreementProjectItem, CountyUnit, Pairing, TalentAssignment, UrbanTalent, Village

from ..choices import ActivityStatus
from ..date_rules import RULES as DATE_RULES
from ..models import ActivityParticipant, ActivityPhoto, ServiceActivity
from .guards import (
    OUT_OF_SCOPE,
    deny,
    ledger_service,
    open_month_for_update,
    require_visible,
    touch_month,
)
from .service_months import refresh_service_months

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("24")
MAX_PHOTOS = 9
THUMBNAIL_SIZE = (320, 320)


@dataclass(frozen=True)
class ParticipantInput:
    """A talent, or the paired unit as a whole, with the hours served."""

    hours: Decimal
    talent: UrbanTalent | None = None
    unit: CountyUnit | None = None


@dataclass(frozen=True)
class ActivityInput:
    date: datetime.date
    kind: str
    title: str
    content: str
    participants: tuple[ParticipantInput, ...]
    location: str = ""
    beneficiaries: int = 0
    project_item: AgreementProjectItem | None = None


def _check_participants(*, actor, village: Village, day: datetime.date, participants) -> None:
    errors = []
    if not participants:
        raise ValidationError({"participants": "请至少选择一名参与的城市人才，或勾选结对单位集体参与。"})
    talent_ids = [p.talent.pk for p in participants if p.talent is not None]
    unit_ids = [p.unit.pk for p in participants if p.unit is not None]
    if len(set(talent_ids)) != len(talent_ids) or len(set(unit_ids)) != len(unit_ids):
        errors.append("同一参与者不能重复登记。")
    for p in participants:
        if (p.talent is None) == (p.unit is None):
            errors.append("每个参与者须为一名城市人才或一个单位。")
        if p.hours is None or not MIN_HOURS <= Decimal(p.hours) <= MAX_HOURS:
            errors.append("服务时长应在 0.5 至 24 小时之间。")
    # Talents must be assigned to this village for the activity's year (000 §四(二)1).
    assigned = set(
        TalentAssignment.objects.filter(village=village, year=day.year, talent_id__in=talent_ids).values_list(
            "talent_id", flat=True
        )
    )
    for p in participants:
        if p.talent is not None and p.talent.pk not in assigned:
            errors.append(f"{p.talent.name}{day.year}年未分配到{village.name}服务，不能登记为参与人。")
    paired = {
        pairing.unit_id
        for pairing in Pairing.objects.filter(village=village, unit_id__in=unit_ids)
        if pairing.is_active_in(day.year)
    }
    for p in participants:
        if p.unit is not None and p.unit.pk not in paired:
            errors.append(f"{p.unit.name}{day.year}年未与{village.name}结对，不能登记为集体参与。")
    if actor.role == Role.TALENT and actor.talent_id not in talent_ids:
        errors.append("城市人才只能登记本人参与的服务，请把自己列为参与人。")
    if errors:
        raise ValidationError({"participants": list(dict.fromkeys(errors))})


def _may_change(user, activity: ServiceActivity) -> bool:
    """The village changes any of its activities; a recorder their own until it is confirmed."""
    if roles.is_secretary_of(user, activity.village_id):
        return True
    return activity.recorded_by_id == user.pk and activity.status != ActivityStatus.CONFIRMED


_SECRETARY = "本村党组织书记（村务专干）"
_reviewed = lambda user, activity: roles.is_secretary_of(user, activity.village_id)  # noqa: E731

WORKFLOW = Workflow(
    "activity",
    [
        # `record` is taken on the village: its secretary, a talent serving it, its paired unit's
        # liaison (the row's scope narrows the village; the date's assignment is checked in the service).
        Step(
            "record",
            "登记服务活动",
            lambda user, _v: can_edit(user, ServiceActivity),
            "村党组织、服务人才和结对单位",
            creates=True,
        ),
        Step("edit", "修改该活动", _may_change, "本村或记录人（确认前）"),
        Step("delete", "删除该活动", _may_change, "本村或记录人（确认前）", confirm="删除后该活动及其照片不可恢复。"),
        Step(
            "confirm",
            "确认活动",
            _reviewed,
            _SECRETARY,
            frozenset({ActivityStatus.PENDING}),
            confirm="确认后该活动计入本月台账和考核。",
        ),
        Step("reject", "退回活动", _reviewed, _SECRETARY, frozenset({ActivityStatus.PENDING}), reason=True),
    ],
    noun="该活动",
    model=ServiceActivity,
)


def allowed_actions(user, activity: ServiceActivity) -> list[str]:
    return WORKFLOW.allowed(activity, user)


def _check_recorder(actor, village: Village, day: datetime.date) -> None:
    """The actor may record for this village: its secretary, a talent serving it, its paired unit."""
    WORKFLOW.require_role("record", village, actor)
    if not Village.objects.visible_to(actor).filter(pk=village.pk).exists():
        raise deny(actor, OUT_OF_SCOPE, object_type="ledgers.serviceactivity")
    if (
        actor.role == Role.TALENT
        and not TalentAssignment.objects.filter(talent_id=actor.talent_id, village=village, year=day.year).exists()
    ):
        raise ValidationError({"date": f"您{day.year}年未分配到{village.name}服务，不能为该村登记活动。"})


def _check_dates(village: Village, data: ActivityInput) -> None:
    """The date rules (ledgers/date_rules.py), before the month is opened and the participants are
    checked, so a date that makes no sense is reported at the date."""
    candidate = ServiceActivity(village=village, date=data.date)
    date_rules.enforce(DATE_RULES, candidate, participants=data.participants)


def _summary(activity: ServiceActivity) -> dict:
    data = audit.snapshot(activity)
    data["participants"] = [
        {"talent": p.talent_id, "unit": p.unit_id, "hours": str(p.hours)} for p in activity.participants.all()
    ]
    return data


def _write_participants(activity: ServiceActivity, participants) -> None:
    activity.participants.all().delete()
    ActivityParticipant.objects.bulk_create(
        ActivityParticipant(activity=activity, talent=p.talent, unit=p.unit, hours=Decimal(p.hours))
        for p in participants
    )


def _apply(activity: ServiceActivity, data: ActivityInput) -> None:
    activity.date = data.date
    activity.kind = data.kind
    activity.title = (data.title or "").strip()
    activity.content = (data.content or "").strip()
    activity.location = (data.location or "").strip()
    activity.beneficiaries = data.beneficiaries or 0
    item = data.project_item
    if (
        item is not None
        and not AgreementProjectItem.objects.filter(
            pk=item.pk, agreement__pairing__village_id=activity.village_id
        ).exists()
    ):
        raise ValidationError({"project_item": "所选共建项目不属于本村的结对共建协议。"})
    activity.project_item = item
    activity.full_clean(exclude=["recorded_by", "village"])


@ledger_service
def record_activity(*, actor, village: Village, data: ActivityInput, photos=()) -> ServiceActivity:
    """Record an activity (and its photos, in the same transaction); confirmed at once when the
    village's own secretary records it."""
    _check_recorder(actor, village, data.date)
    _check_dates(village, data)
    month = open_month_for_update(village, data.date)
    _check_participants(actor=actor, village=village, day=data.date, participants=data.participants)
    activity = ServiceActivity(village=village, recorded_by=actor, recorded_at=timezone.now())
    _apply(activity, data)
    if roles.is_secretary_of(actor, village.pk):
        activity.status = ActivityStatus.CONFIRMED
        activity.reviewed_by = actor
        activity.reviewed_at = activity.recorded_at
    activity.save()
    _write_participants(activity, data.participants)
    touch_month(month)
    refresh_service_months(village.pk, [activity.date])
    audit.record(action="create", actor=actor, obj=activity, changes=audit.diff(None, _summary(activity)))
    if photos:
        add_photos(actor=actor, activity=activity, uploads=photos)
    return activity


def _check_editor(actor, activity: ServiceActivity, action: str = "edit") -> None:
    require_visible(actor, activity)
    WORKFLOW.require_role(action, activity, actor)


@ledger_service
def update_activity(*, actor, activity: ServiceActivity, data: ActivityInput, photos=()) -> ServiceActivity:
    """Change an activity (adding `photos` in the same transaction); both its old and its new month
    must be open."""
    activity = ServiceActivity.objects.select_related("village").get(pk=activity.pk)
    _check_editor(actor, activity)
    _check_dates(activity.village, data)
    before = _summary(activity)
    days = (activity.date, data.date)
    months = {open_month_for_update(activity.village, day) for day in days}
    _check_participants(actor=actor, village=activity.village, day=data.date, participants=data.participants)
    if actor.role == Role.TALENT and actor.talent_id is not None:
        _check_recorder(actor, activity.village, data.date)
    _apply(activity, data)
    if not roles.is_secretary_of(actor, activity.village_id):
        # A corrected record goes back to the village for confirmation.
        activity.status = ActivityStatus.PENDING
        activity.reject_reason = ""
        activity.reviewed_by = None
        activity.reviewed_at = None
    activity.save()
    _write_participants(activity, data.participants)
    for month in months:
        touch_month(month)
    refresh_service_months(activity.village_id, days)
    audit.record(action="update", actor=actor, obj=activity, changes=audit.diff(before, _summary(activity)))
    if photos:
        add_photos(actor=actor, activity=activity, uploads=photos)
    return activity


@ledger_service
def delete_activity(*, actor, activity: ServiceActivity) -> None:
    activity = ServiceActivity.objects.select_related("village").get(pk=activity.pk)
    _check_editor(actor, activity, "delete")
    month = open_month_for_update(activity.village, activity.date)
    before = _summary(activity)
    files = [name for photo in activity.photos.all() for name in (photo.image.name, photo.thumbnail.name) if name]
    pk = activity.pk
    activity.delete()
    activity.pk = pk
    touch_month(month)
    refresh_service_months(activity.village_id, [activity.date])
    audit.record(action="delete", actor=actor, obj=activity, changes=audit.diff(before, None))
    transaction.on_commit(lambda: _remove_files(files))


def _review(actor, activity: ServiceActivity, action: str) -> ServiceActivity:
    activity = ServiceActivity.objects.select_related("village").get(pk=activity.pk)
    require_visible(actor, activity)
    WORKFLOW.check(action, activity, actor)
    # Confirming changes what the month counts, so it needs an open month like any other change.
    touch_month(open_month_for_update(activity.village, activity.date))
    return activity


def _claim_review(actor, activity: ServiceActivity, **updates) -> ServiceActivity:
    before = audit.snapshot(activity)
    now = timezone.now()
    # Conditional update: a second confirm (double tap, two secretaries) finds no pending row.
    changed = ServiceActivity.objects.filter(pk=activity.pk, status=ActivityStatus.PENDING).update(
        reviewed_by=actor, reviewed_at=now, **updates
    )
    if changed != 1:
        raise ValidationError("该活动已被处理，请刷新页面。")
    activity.refresh_from_db()
    refresh_service_months(activity.village_id, [activity.date])
    action = "confirm" if activity.status == ActivityStatus.CONFIRMED else "reject"
    audit.record(action=action, actor=actor, obj=activity, changes=audit.diff(before, audit.snapshot(activity)))
    events.emit("activity_confirmed" if action == "confirm" else "activity_rejected", activity.pk)
    return activity


@ledger_service
def confirm_activity(*, actor, activity: ServiceActivity) -> ServiceActivity:
    activity = _review(actor, activity, "confirm")
    return _claim_review(actor, activity, status=ActivityStatus.CONFIRMED, reject_reason="")


@ledger_service
def reject_activity(*, actor, activity: ServiceActivity, reason: str) -> ServiceActivity:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "退回原因不能超过 200 字。"})
    activity = _review(actor, activity, "reject")
    return _claim_review(actor, activity, status=ActivityStatus.REJECTED, reject_reason=reason)


def make_thumbnail(upload) -> ContentFile:
    """A JPEG no larger than THUMBNAIL_SIZE, upright (phone photos carry EXIF rotation)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.seek(0)
        thumb = ImageOps.exif_transpose(image)
        thumb.thumbnail(THUMBNAIL_SIZE)
        if thumb.mode not in ("RGB", "L"):
            thumb = thumb.convert("RGBA")
            background = Image.new("RGB", thumb.size, "white")
            background.paste(thumb, mask=thumb.getchannel("A"))
            thumb = background
        buffer = io.BytesIO()
        thumb.save(buffer, format="JPEG", quality=80)
    upload.seek(0)
    return ContentFile(buffer.getvalue())


def _prepare(upload, number: int, field: str) -> tuple[str, ContentFile, ContentFile]:
    """The extension to store the photo under, the photo re-encoded (no EXIF/GPS, nothing appended;
    SECURITY.md 19) and its thumbnail, or a refusal naming the photo."""
    label = f"第{number}张照片" + (f"（{upload.name}）" if getattr(upload, "name", "") else "")
    try:
        extension = validate_image_upload(upload)
    except ValidationError as exc:
        raise ValidationError({field: [f"{label}：{message}" for message in exc.messages]}) from None
    try:
        clean, extension = reencode_image(upload)
        return extension, clean, make_thumbnail(upload)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError({field: f"{label}无法读取（可能已损坏或未传完整），请换一张照片。"}) from None


@ledger_service
def add_photos(*, actor, activity: ServiceActivity, uploads, field: str = "photos") -> list[ActivityPhoto]:
    """Attach evidence photos as one batch, all or none: content-checked, size-capped, random names,
    thumbnails. `field` names the upload in the caller's form (refusals are reported under it).

    Files do not roll back with the transaction, so every photo is checked and its thumbnail made
    before any file is written; once written, the files are removed again if the change fails
    (here or in the service that called this one).
    """
    activity = ServiceActivity.objects.select_related("village").get(pk=activity.pk)
    _check_editor(actor, activity)
    open_month_for_update(activity.village, activity.date)
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({field: "请选择要上传的照片。"})
    stored_count = activity.photos.count()
    if stored_count + len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            {field: f"每次活动最多上传 {MAX_PHOTOS} 张照片（已有 {stored_count} 张，本次 {len(uploads)} 张）。"}
        )
    prepared = [_prepare(upload, number, field) for number, upload in enumerate(uploads, start=1)]
    written: list[str] = []
    on_rollback(lambda: _remove_files(written))
    photos = []
    now = timezone.now()
    for extension, clean, thumbnail in prepared:
        photo = ActivityPhoto(activity=activity, uploaded_by=actor, uploaded_at=now)
        photo.image.save(random_upload_name("activity-photos", extension), clean, save=False)
        written.append(photo.image.name)
        photo.thumbnail.save(random_upload_name("activity-thumbs", ".jpg"), thumbnail, save=False)
        written.append(photo.thumbnail.name)
        photos.append(photo)
    ActivityPhoto.objects.bulk_create(photos)
    audit.record(
        action="add_photo", actor=actor, obj=activity, changes={"photos": [None, [photo.pk for photo in photos]]}
    )
    return photos


def add_photo(*, actor, activity: ServiceActivity, upload) -> ActivityPhoto:
    """One photo: a batch of one."""
    return add_photos(actor=actor, activity=activity, uploads=[upload], field="photo")[0]


@ledger_service
def delete_photo(*, actor, photo: ActivityPhoto) -> None:
    photo = ActivityPhoto.objects.select_related("activity__village").get(pk=photo.pk)
    _check_editor(actor, photo.activity)
    open_month_for_update(photo.activity.village, photo.activity.date)
    files = [photo.image.name, photo.thumbnail.name]
    pk = photo.pk
    photo.delete()
    audit.record(action="delete_photo", actor=actor, obj=photo.activity, changes={"photo": [pk, None]})
    transaction.on_commit(lambda: _remove_files(files))


def _remove_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)
