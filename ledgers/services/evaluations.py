"""Quarterly evaluations: the village rates, the township forwards to the unit, changes are audited.

Before forwarding, the village may revise a rating freely (it is still its own working draft).
After forwarding the unit has seen it, so a change needs a reason, which is kept on the row and in
the audit record together with the values before and after.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from pairing import date_rules, roles
from pairing.core import audit, events
from pairing.core.local_time import local_iso
from pairing.core.workflows import Step, Workflow
from pairing.models import TalentAssignment, UrbanTalent, Village

from ..date_rules import RULES as DATE_RULES
from ..models import TalentEvaluation
from .guards import OUT_OF_SCOPE, deny, ledger_service, require_visible

_SECRETARY = "该村党组织书记（村务专干）"


def _village(user, evaluation) -> bool:
    return roles.is_secretary_of(user, evaluation.village_id)


# The village rates (`rate` is taken on the village) and revises; the township forwards to the unit.
WORKFLOW = Workflow(
    "evaluation",
    [
        Step("rate", "评定在本村服务的城市人才", lambda u, v: roles.is_secretary_of(u, v.pk), _SECRETARY, creates=True),
        Step("change", "修改评定", _village, _SECRETARY),
        Step(
            "forward",
            "把评定结果转送人才所在单位",
            lambda user, evaluation: roles.is_officer_of(user, evaluation.village.township_id),
            "所属乡镇党委",
            when=lambda evaluation, _user: not evaluation.is_forwarded,
            when_message="该评定已转送单位。",
            confirm="转送后人才所在单位即可看到评定结果；此后村里修改评定须填写原因。",
        ),
    ],
    noun="该评定",
    model=TalentEvaluation,
)


def allowed_actions(user, evaluation: TalentEvaluation) -> list[str]:
    return WORKFLOW.allowed(evaluation, user)


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
    WORKFLOW.require_role("rate", village, actor)
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
    WORKFLOW.require_role("change", evaluation, actor)
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
        # Role only: forwarding one already forwarded is skipped below, not refused.
        WORKFLOW.require_role("forward", row, actor)
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
            events.emit("evaluation_forwarded", row.pk)
    return len(forwarded)
