"""Changes to the directory. Each function is one transaction with an explicit actor and an
audit record; views, forms and serializers validate input and call these.

Two guards keep every write inside the actor's scope (SECURITY.md 7-8): the row must be visible
to the actor before the change, and it must still be visible after it. A change that would move
a row out of scope (or create one there) raises and rolls back, so nothing is written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404

from pairing.core import audit
from pairing.core.scoping import can_edit, field_violations, is_visible
from pairing.core.services import Denied, service

from ..choices import AuditResult
from ..models import HonoraryVillageHead, Pairing, UrbanTalent

OUT_OF_SCOPE = "不能在您的管理范围之外新增或修改数据。"
NOT_ALLOWED = "您的角色无权修改此类数据。"


def _require_role(actor, model) -> None:
    if not can_edit(actor, model):
        raise Denied(NOT_ALLOWED, object_type=model._meta.label_lower)


def _require_visible_after(actor, obj) -> None:
    if not is_visible(actor, obj):
        raise Denied(OUT_OF_SCOPE, object_type=obj._meta.label_lower)


@service
def save_object(*, actor, obj: models.Model, m2m: dict | None = None) -> models.Model:
    """Create or update one directory row (and its many-to-many fields) as `actor`."""
    model = type(obj)
    _require_role(actor, model)
    before = stored = None
    if obj.pk is not None:
        try:
            current = model.objects.visible_to(actor).get(pk=obj.pk)
        except model.DoesNotExist:
            raise Http404 from None
        before = audit.snapshot(current)  # masked, for the audit record
        stored = {f.attname: getattr(current, f.attname) for f in model._meta.concrete_fields}
    violations = field_violations(actor, obj, stored)
    if violations:
        raise ValidationError(violations)
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError("数据与已有记录冲突，请检查后重试。") from exc
    m2m_changes = {}
    for name, values in (m2m or {}).items():
        manager = getattr(obj, name)
        old = sorted(manager.values_list("pk", flat=True))
        manager.set(values)
        new = sorted(v.pk if isinstance(v, models.Model) else v for v in values)
        if old != new:
            m2m_changes[name] = [old, new]
    _require_visible_after(actor, obj)
    changes = audit.diff(before, audit.snapshot(obj)) | m2m_changes
    audit.record(action="update" if before is not None else "create", actor=actor, obj=obj, changes=changes)
    return obj


@service
def delete_object(*, actor, obj: models.Model) -> None:
    model = type(obj)
    _require_role(actor, model)
    if not is_visible(actor, obj):
        raise Http404
    before = audit.snapshot(obj)
    label = str(obj)
    pk = obj.pk
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(f"“{label}”已被其他数据引用，不能删除。") from None
    obj.pk = pk
    audit.record(action="delete", actor=actor, obj=obj, changes=audit.diff(before, None))


@service
def appoint_honorary_head(
    *,
    actor,
    pairing: Pairing,
    name: str,
    start_date: datetime.date,
    position: str = "",
    phone: str = "",
    talent: UrbanTalent | None = None,
) -> HonoraryVillageHead:
    """Name a new honorary village head; the current one (if any) steps down the day before."""
    _require_role(actor, HonoraryVillageHead)
    if not is_visible(actor, pairing):
        raise Http404
    # Lock the pairing row so two simultaneous appointments cannot both end the same head.
    Pairing.objects.select_for_update().filter(pk=pairing.pk).first()
    current = HonoraryVillageHead.objects.filter(pairing=pairing, end_date__isnull=True).first()
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError({"start_date": "新任名誉村长的任职日期应晚于现任的任职日期。"})
        before = audit.snapshot(current)
        current.end_date = start_date - datetime.timedelta(days=1)
        current.save(update_fields=["end_date"])
        audit.record(action="update", actor=actor, obj=current, changes=audit.diff(before, audit.snapshot(current)))
    head = HonoraryVillageHead(
        pairing=pairing, name=name, position=position, phone=phone, talent=talent, start_date=start_date
    )
    return save_object(actor=actor, obj=head)


REVEAL_REFUSED = "您的角色无权查看完整个人信息。"


def reveal(*, actor, obj: models.Model, fields) -> dict[str, str]:
    """The full values of masked `fields` of `obj` (the row's own `may_reveal` decides), audited
    either way; the record names the fields, never the values. Not a @service: nothing is written
    but the audit record, which must survive a refusal."""
    if not is_visible(actor, obj):
        raise Http404
    fields = tuple(fields)
    labels = "、".join(str(obj._meta.get_field(name).verbose_name) for name in fields if name in obj.masked_fields)
    if not fields or not all(obj.may_reveal(actor, name) for name in fields):
        audit.record(action="reveal", actor=actor, obj=obj, result=AuditResult.DENIED, message=labels)
        raise PermissionDenied(REVEAL_REFUSED)
    audit.record(action="reveal", actor=actor, obj=obj, message=f"查看完整个人信息：{labels}")
    return {name: getattr(obj, name) for name in fields}
