"""Quarterly evaluations: the village rates, the township forwards to the unit, changes are audited.

Before forwarding, the village may revise a rating freely (it is still its own working draft).
After forwarding the unit has seen it, so a change needs a reason, which is kept on the row and in
the audit record together with the values before and after.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from pairing import audit, date_rules
from pairing.choices import Role
from pairing.local_time import local_iso
from pairing.models import TalentAssignment, UrbanTalent, Village

from ..date_rules import RULES as DATE_RULES
from ..models import TalentEvaluation
from .guards import OUT_OF_SCOPE, deny, is_village_secretary_of, ledger_service, require_visible

NOT_THE_VILLAGE = "只有该村党组织书记（村务专干）可以评定在本村服务的城市人才。"
NOT_THE_TOWNSHIP = "只有所属乡镇党委可以把评定结果转送人才所在单位。"


@dataclass(frozen=True)
class EvaluationInput:
    rating: str = ""
    score: int | None = None
    comment: str = ""


def _apply(evaluation: TalentEvaluation, data: EvaluationInput) -> None:
    evaluation.rating = data.rating or ""
    evaluation.score = data.score
    evaluation.comment = (data.comment or "").strip()
    if not evaluation.rating and evaluation.score is None:
        raise ValidationError({"rating": "请选择评定等次或填写评分。"})
    evaluation.updated_at = timezone.now()
    evaluation.full_clean(exclude=["talent", "village", "evaluated_by", "forwarded_by"], validate_constraints=False)


@ledger_service
def record_evaluation(
    *, actor, talent: UrbanTalent, village: Village, year: int, quarter: int, data: EvaluationInput
) -> TalentEvaluation:
    """The village rates a talent who served it in that quarter's year; one per talent-village-quarter."""
    if not Village.objects.visible_to(actor).filter(pk=village.pk).exists():
        raise deny(actor, OUT_OF_SCOPE, object_type="ledgers.talentevaluation")
    if not is_village_secretary_of(actor, village.pk):
        raise deny(actor, NOT_THE_VILLAGE, object_type="ledgers.talentevaluation")
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "季度应为 1 至 4。"})
    evaluation = TalentEvaluation(
        talent=talent, village=village, year=year, quarter=quarter, evaluated_by=actor, evaluated_at=timezone.now()
    )
    date_rules.enforce(DATE_RULES, evaluation)
    if not TalentAssignment.objects.filter(talent=talent, village=village, year=year).exists():
        raise ValidationError({"talent": f"{talent.name}{year}年未在{village.name}服务，不能由本村评定。"})
    if TalentEvaluation.objects.filter(talent=talent, village=village, year=year, quarter=quarter).exists():
        raise ValidationError({"talent": "该村本季度已评定过该人才，请修改原评定。"}, code="unique")
    _apply(evaluation, data)
    try:
        evaluation.save()
    except IntegrityError:
        # Two secretaries saving at once: the constraint lets one win.
        raise ValidationError({"talent": "该村本季度已评定过该人才，请修改原评定。"}, code="unique") from None
    audit.record(action="create", actor=actor, obj=evaluation, changes=audit.diff(None, audit.snapshot(evaluation)))
    return evaluation


@ledger_service
def change_evaluation(
    *, actor, evaluation: TalentEvaluation, data: EvaluationInput, reason: str = ""
) -> TalentEvaluation:
    """Revise a rating; after forwarding only with a reason (kept, and audited with before/after)."""
    evaluation = TalentEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    require_visible(actor, evaluation)
    if not is_village_secretary_of(actor, evaluation.village_id):
        raise deny(actor, NOT_THE_VILLAGE, obj=evaluation)
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise ValidationError({"reason": "修改原因不能超过 200 字。"})
    if evaluation.is_forwarded and not reason:
        raise ValidationError({"reason": "该评定已转送单位，修改时必须填写原因。"}, code="reason_required")
    before = audit.snapshot(evaluation)
    _apply(evaluation, data)
    if evaluation.is_forwarded:
        evaluation.change_reason = reason
    evaluation.save()
    audit.record(
        action="update",
        actor=actor,
        obj=evaluation,
        changes=audit.diff(before, audit.snapshot(evaluation)),
        message=f"修改原因：{reason}" if reason else "",
    )
    return evaluation


def _may_forward(actor, evaluation: TalentEvaluation) -> bool:
    if actor.is_superuser:
        return True
    return actor.role == Role.TOWNSHIP_OFFICER and evaluation.village.township_id == actor.township_id


@ledger_service
def forward_evaluations(*, actor, evaluations) -> int:
    """The township passes ratings on to the talents' units; already-forwarded ones are skipped.

    Returns how many were forwarded now. Each one gets its own audit record.
    """
    ids = [e.pk for e in evaluations]
    rows = list(
        TalentEvaluation.objects.visible_to(actor).filter(pk__in=ids).select_related("village", "talent").order_by("pk")
    )
    if len(rows) != len(set(ids)):
        raise deny(actor, OUT_OF_SCOPE, object_type="ledgers.talentevaluation")
    for row in rows:
        if not _may_forward(actor, row):
            raise deny(actor, NOT_THE_TOWNSHIP, obj=row)
    now = timezone.now()
    pending = [row for row in rows if row.forwarded_at is None]
    # Conditional update: forwarding twice (double tap, two officers) forwards nothing the second time.
    pending_ids = [r.pk for r in pending]
    TalentEvaluation.objects.filter(pk__in=pending_ids, forwarded_at__isnull=True).update(
        forwarded_at=now, forwarded_by=actor
    )
    forwarded = set(
        TalentEvaluation.objects.filter(pk__in=pending_ids, forwarded_at=now, forwarded_by=actor).values_list(
            "pk", flat=True
        )
    )
    for row in pending:
        if row.pk in forwarded:
            audit.record(
                action="forward",
                actor=actor,
                obj=row,
                changes={"forwarded_at": [None, local_iso(now)], "forwarded_by_id": [None, actor.pk]},
                message=f"转送{row.talent.unit.name if row.talent.unit_id else '所在单位'}",
            )
    return len(forwarded)
