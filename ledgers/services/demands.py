"""Demands and claims: publish, edit, claim, withdraw, start, resolve, close, invite.

One transaction each (`ledger_service`), an explicit actor, an audit record, the scope check
first (out of scope is 404), then the role (403, audited), then the state (a Chinese message).

Who may claim: a talent assigned to the village this year, or a talent of a unit paired with it
this year; a paired unit's liaison claims for the unit as a whole. Each claim takes one place.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from pairing import date_rules, roles
from pairing.choices import Role, TalentStatus
from pairing.core import audit, events
from pairing.core.local_time import local_date
from pairing.core.workflows import Step, Workflow
from pairing.models import AgreementDemandItem, Pairing, Specialty, TalentAssignment, UrbanTalent, User, Village

from ..choices import ActivityStatus, ClaimStatus, DemandStatus, NotificationKind
from ..date_rules import RULES as DATE_RULES
from ..models import Demand, DemandClaim, Notification, ServiceActivity
from ..models.demands import CLAIMABLE_STATUSES, MAX_PEOPLE_WANTED, OPEN_STATUSES
from .guards import OUT_OF_SCOPE, deny, ledger_service, require_visible
from .notifications import Message, Target, send

D = DemandStatus
SECRETARY = "本村党组织书记（村务专干）"
CLAIMANTS = "在本村服务的城市人才和结对单位"


@dataclass(frozen=True)
class DemandInput:
    type: str
    category: str
    title: str
    description: str
    people_wanted: int = 1
    due_date: datetime.date | None = None
    specialties: tuple[Specialty, ...] = field(default_factory=tuple)
    agreement_item: AgreementDemandItem | None = None


def paired_unit_ids(village_id: int, year: int):
    """Units paired with the village in `year` (a subquery)."""
    return Pairing.objects.active_in(year).filter(village_id=village_id).values("unit_id")


def eligible_talents(village_id: int, year: int):
    """Active talents who may claim the village's demands in `year`: assigned there, or of a paired unit."""
    assigned = TalentAssignment.objects.filter(village_id=village_id, year=year).values("talent_id")
    return UrbanTalent.objects.filter(status=TalentStatus.ACTIVE).filter(
        Q(pk__in=assigned) | Q(unit_id__in=paired_unit_ids(village_id, year))
    )


def claimant_village_ids(actor, year: int):
    """Villages whose demands the actor may claim in `year` (a subquery; empty for other roles)."""
    pairings = Pairing.objects.active_in(year)
    if actor.role == Role.TALENT and actor.talent_id:
        talent = UrbanTalent.objects.filter(pk=actor.talent_id, status=TalentStatus.ACTIVE)
        assigned = TalentAssignment.objects.filter(talent__in=talent, year=year).values("village_id")
        paired = pairings.filter(unit_id__in=talent.values("unit_id")).values("village_id")
        return Village.objects.filter(Q(pk__in=assigned) | Q(pk__in=paired)).values("pk")
    if actor.role == Role.UNIT_LIAISON and actor.unit_id:
        return pairings.filter(unit_id=actor.unit_id).values("village_id")
    return Village.objects.none().values("pk")


def own_claim(user, demand: Demand) -> DemandClaim | None:
    """The user's own claim on the demand (a talent's, or the liaison's unit's), if any."""
    if user.role == Role.TALENT and user.talent_id:
        own = {"talent_id": user.talent_id}
    elif user.role == Role.UNIT_LIAISON and user.unit_id:
        own = {"unit_id": user.unit_id}
    else:
        return None
    cached = getattr(demand, "_prefetched_objects_cache", {}).get("claims")
    if cached is not None:
        return next((c for c in cached if all(getattr(c, k) == v for k, v in own.items())), None)
    return DemandClaim.objects.filter(demand=demand, **own).first()


def _claiming(user, demand: Demand) -> bool:
    claim = own_claim(user, demand)
    return claim is not None and claim.status == ClaimStatus.ACTIVE


def _secretary(user, demand) -> bool:
    return roles.is_secretary_of(user, demand.village_id)


def _may_serve(user, demand: Demand) -> bool:
    return roles.serves_village(user, demand.village_id, timezone.localdate().year)


def _claim_refusal(user, demand: Demand) -> str:
    """Why this user may not claim: the message names the year and the village."""
    year, village = timezone.localdate().year, demand.village
    if user.role == Role.TALENT and user.talent_id:
        return f"您{year}年未分配到{village.name}服务，所在单位也未与该村结对，不能认领该需求。"
    if user.role == Role.UNIT_LIAISON and user.unit_id:
        return f"贵单位{year}年未与{village.name}结对，不能认领该需求。"
    return f"只有{CLAIMANTS}可以认领需求。"


def _claim_blocked(demand: Demand, user) -> str:
    if user is not None and _claiming(user, demand):
        return "您已认领该需求，无需重复认领。"
    return "该需求的认领名额已满（或已开始办理），不能再认领。"


WORKFLOW = Workflow(
    "demand",
    [
        # `publish` is taken on the village the demand will belong to.
        Step(
            "publish",
            "发布需求",
            lambda user, village: roles.is_secretary_of(user, village.pk),
            SECRETARY,
            creates=True,
        ),
        Step("edit", "修改需求", _secretary, SECRETARY, frozenset(CLAIMABLE_STATUSES)),
        Step(
            "claim",
            "认领需求",
            _may_serve,
            CLAIMANTS,
            frozenset(CLAIMABLE_STATUSES),
            when=lambda demand, user: demand.places_left > 0 and not _claiming(user, demand),
            when_message=_claim_blocked,
            why_not=_claim_refusal,
        ),
        Step(
            "withdraw",
            "撤回认领",
            lambda user, _d: roles.has_role(user, Role.TALENT, Role.UNIT_LIAISON),
            "认领人",
            frozenset(CLAIMABLE_STATUSES),
            when=lambda demand, user: _claiming(user, demand),
            when_message="您没有该需求的有效认领。",
            hint="已开始办理的需求请联系村党组织。",
        ),
        Step(
            "start",
            "开始办理",
            lambda user, demand: _secretary(user, demand) or _claiming(user, demand),
            "本村或认领人",
            frozenset({D.CLAIMED}),
            confirm="开始办理后认领人不能再撤回认领。",
        ),
        Step(
            "resolve",
            "标记解决",
            _secretary,
            SECRETARY,
            frozenset({D.CLAIMED, D.IN_PROGRESS}),
            hint=lambda d: "该需求尚无人认领；无法解决的请关闭并说明原因。" if d.status == D.PUBLISHED else "",
            confirm="标记解决后该需求计入已解决，不能再修改。",
        ),
        Step(
            "close",
            "关闭需求",
            _secretary,
            SECRETARY,
            frozenset(OPEN_STATUSES),
            reason=True,
            confirm="关闭后该需求计为未解决，认领随之结束，不能重新打开。",
        ),
        Step(
            "invite",
            "邀请人才认领",
            _secretary,
            SECRETARY,
            when=lambda demand, _user: demand.accepts_claims,
            when_message="该需求已满员或已开始办理，无需再邀请。",
        ),
    ],
    noun="该需求",
    model=Demand,
)


def allowed_actions(user, demand: Demand) -> list[str]:
    return WORKFLOW.allowed(demand, user)


def _fresh(actor, demand: Demand) -> Demand:
    row = Demand.objects.select_related("village").get(pk=demand.pk)
    require_visible(actor, row)
    return row


def _summary(demand: Demand) -> dict:
    data = audit.snapshot(demand)
    data["specialties"] = sorted(demand.specialties.values_list("pk", flat=True)) if demand.pk else []
    return data


def _apply(demand: Demand, data: DemandInput) -> None:
    demand.type = data.type
    demand.category = data.category
    demand.title = (data.title or "").strip()
    demand.description = (data.description or "").strip()
    demand.due_date = data.due_date
    date_rules.enforce(DATE_RULES, demand)
    demand.people_wanted = data.people_wanted
    item = data.agreement_item
    if (
        item is not None
        and not AgreementDemandItem.objects.filter(
            pk=item.pk, agreement__pairing__village_id=demand.village_id
        ).exists()
    ):
        raise ValidationError({"agreement_item": "所选需求清单条目不属于本村的结对共建协议。"})
    demand.agreement_item = item
    if not 1 <= (data.people_wanted or 0) <= MAX_PEOPLE_WANTED:
        raise ValidationError({"people_wanted": f"需要人数应在 1 至 {MAX_PEOPLE_WANTED} 之间。"})
    if data.people_wanted < demand.claimed_count:
        raise ValidationError({"people_wanted": f"已有 {demand.claimed_count} 人认领，需要人数不能少于已认领人数。"})
    demand.full_clean(exclude=["village", "published_by", "served_by", "specialties"])


@ledger_service
def publish_demand(*, actor, village: Village, data: DemandInput) -> Demand:
    """The village publishes a demand or task; it is open for claims at once."""
    if not Village.objects.visible_to(actor).filter(pk=village.pk).exists():
        raise deny(actor, OUT_OF_SCOPE, object_type="ledgers.demand")
    WORKFLOW.check("publish", village, actor)
    demand = Demand(village=village, published_by=actor, published_at=timezone.now())
    _apply(demand, data)
    demand.save()
    demand.specialties.set(data.specialties)
    audit.record(action="create", actor=actor, obj=demand, changes=audit.diff(None, _summary(demand)))
    return demand


@ledger_service
def update_demand(*, actor, demand: Demand, data: DemandInput) -> Demand:
    """The village corrects a demand until work on it starts."""
    demand = _fresh(actor, demand)
    WORKFLOW.require_role("edit", demand, actor)
    demand = Demand.objects.select_for_update().select_related("village").get(pk=demand.pk)
    WORKFLOW.require_state("edit", demand, actor)
    before = _summary(demand)
    _apply(demand, data)
    demand.save()
    demand.specialties.set(data.specialties)
    audit.record(action="update", actor=actor, obj=demand, changes=audit.diff(before, _summary(demand)))
    return demand


def _claimant(actor) -> dict:
    """{'talent': …} or {'unit': …}: who the actor claims for (a talent, or the liaison's unit)."""
    return {"talent": actor.talent} if actor.role == Role.TALENT else {"unit": actor.unit}


@ledger_service
def claim_demand(*, actor, demand: Demand) -> DemandClaim:
    """Take one place on the demand, for oneself (a talent) or for one's unit (its liaison)."""
    demand = _fresh(actor, demand)
    WORKFLOW.check("claim", demand, actor)
    claimant = _claimant(actor)
    # The place is taken by a conditional UPDATE: on PostgreSQL a concurrent claim waits for this
    # row and re-checks `claimed_count < people_wanted` against the committed count, so the last
    # place goes to exactly one claimant. It also serialises the duplicate check below.
    taken = Demand.objects.filter(
        pk=demand.pk, status__in=CLAIMABLE_STATUSES, claimed_count__lt=F("people_wanted")
    ).update(claimed_count=F("claimed_count") + 1, status=DemandStatus.CLAIMED)
    if taken != 1:
        raise ValidationError("该需求的认领名额已满（或已开始办理），不能再认领。", code="full")
    claim = DemandClaim.objects.filter(demand=demand, **claimant).first()
    now = timezone.now()
    if claim is not None and claim.status == ClaimStatus.ACTIVE:
        raise ValidationError("您已认领该需求，无需重复认领。", code="duplicate")
    if claim is not None:
        # Claimed again after withdrawing: the same row comes back (one row per claimant).
        claim.status, claim.claimed_by, claim.claimed_at, claim.withdrawn_at = ClaimStatus.ACTIVE, actor, now, None
        claim.save(update_fields=["status", "claimed_by", "claimed_at", "withdrawn_at"])
    else:
        claim = DemandClaim.objects.create(demand=demand, claimed_by=actor, claimed_at=now, **claimant)
    demand.refresh_from_db()
    audit.record(
        action="claim",
        actor=actor,
        obj=demand,
        message=f"{claim.claimant_name}认领（{demand.claimed_count}/{demand.people_wanted}）",
    )
    events.emit("demand_claimed", claim.pk)
    return claim


@ledger_service
def withdraw_claim(*, actor, demand: Demand) -> DemandClaim:
    """Give the place back before work starts; the last withdrawal makes the demand unclaimed again."""
    demand = _fresh(actor, demand)
    WORKFLOW.check("withdraw", demand, actor)
    claim = own_claim(actor, demand)
    if (
        DemandClaim.objects.filter(pk=claim.pk, status=ClaimStatus.ACTIVE).update(
            status=ClaimStatus.WITHDRAWN, withdrawn_at=timezone.now()
        )
        != 1
    ):
        raise ValidationError("该认领已撤回，请刷新页面。")
    released = Demand.objects.filter(pk=demand.pk, status__in=CLAIMABLE_STATUSES, claimed_count__gte=1).update(
        claimed_count=F("claimed_count") - 1,
        status=Case(When(claimed_count__lte=1, then=Value(DemandStatus.PUBLISHED)), default=F("status")),
    )
    if released != 1:
        raise ValidationError("该需求已开始办理，不能撤回认领。")
    claim.refresh_from_db()
    audit.record(action="withdraw_claim", actor=actor, obj=demand, message=f"{claim.claimant_name}撤回认领")
    return claim


def _move(actor, demand: Demand, allowed, action: str, message: str = "", **updates) -> Demand:
    """Conditional UPDATE on the status: a double tap or a concurrent transition finds nothing to move."""
    before = audit.snapshot(demand)
    if Demand.objects.filter(pk=demand.pk, status__in=allowed).update(**updates) != 1:
        raise ValidationError("该需求已被他人处理，请刷新页面。")
    demand.refresh_from_db()
    audit.record(
        action=action, actor=actor, obj=demand, changes=audit.diff(before, audit.snapshot(demand)), message=message
    )
    return demand


@ledger_service
def start_demand(*, actor, demand: Demand) -> Demand:
    """Work starts (the village, or someone who claimed it); claims can no longer be withdrawn."""
    demand = _fresh(actor, demand)
    WORKFLOW.check("start", demand, actor)
    return _move(
        actor, demand, (DemandStatus.CLAIMED,), "start", status=DemandStatus.IN_PROGRESS, started_at=timezone.now()
    )


def _check_serving_activity(actor, demand: Demand, activity: ServiceActivity | None) -> ServiceActivity:
    if activity is None:
        raise ValidationError({"activity": "请选择办理该需求的服务活动（须已由本村确认）。"})
    row = ServiceActivity.objects.visible_to(actor).filter(pk=activity.pk).first()
    if row is None or row.village_id != demand.village_id:
        raise ValidationError({"activity": "所选服务活动不属于本村。"})
    if row.status != ActivityStatus.CONFIRMED:
        raise ValidationError({"activity": "所选服务活动尚未确认，确认后才能作为办理依据。"})
    if row.date < local_date(demand.published_at):
        raise ValidationError({"activity": "所选服务活动早于需求发布日期，不能作为办理依据。"})
    claims = DemandClaim.objects.filter(demand=demand, status=ClaimStatus.ACTIVE)
    served = row.participants.filter(
        Q(talent_id__in=claims.values("talent_id"))
        | Q(unit_id__in=claims.values("unit_id"))
        | Q(talent__unit_id__in=claims.filter(unit__isnull=False).values("unit_id"))
    )
    if not served.exists():
        raise ValidationError({"activity": "所选服务活动的参与人中没有该需求的认领人。"})
    return row


@ledger_service
def resolve_demand(*, actor, demand: Demand, outcome: str, activity: ServiceActivity | None) -> Demand:
    """The village marks the demand resolved, naming the confirmed activity that served it."""
    demand = _fresh(actor, demand)
    WORKFLOW.require_role("resolve", demand, actor)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写办理结果。"})
    if len(outcome) > 2000:
        raise ValidationError({"outcome": "办理结果不能超过 2000 字。"})
    WORKFLOW.require_state("resolve", demand, actor)
    allowed = WORKFLOW["resolve"].states
    served_by = _check_serving_activity(actor, demand, activity)
    now = timezone.now()
    demand = _move(
        actor,
        demand,
        allowed,
        "resolve",
        status=DemandStatus.RESOLVED,
        outcome=outcome,
        served_by=served_by,
        resolved_at=now,
        finished_by=actor,
        started_at=demand.started_at or now,
    )
    demand.claims.filter(status=ClaimStatus.ACTIVE).update(status=ClaimStatus.COMPLETED)
    events.emit("demand_resolved", demand.pk)
    return demand


@ledger_service
def close_demand(*, actor, demand: Demand, reason: str) -> Demand:
    """The village closes a demand it could not resolve, with the reason (it still counts as collected)."""
    demand = _fresh(actor, demand)
    WORKFLOW.require_role("close", demand, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "关闭未解决的需求必须填写原因。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "原因不能超过 200 字。"})
    WORKFLOW.require_state("close", demand, actor)
    demand = _move(
        actor,
        demand,
        OPEN_STATUSES,
        "close",
        message=f"未解决原因：{reason}",
        status=DemandStatus.CLOSED,
        close_reason=reason,
        closed_at=timezone.now(),
        finished_by=actor,
    )
    demand.claims.filter(status=ClaimStatus.ACTIVE).update(status=ClaimStatus.CLOSED)
    events.emit("demand_closed", demand.pk)
    return demand


@ledger_service
def invite_talent(*, actor, demand: Demand, talent: UrbanTalent) -> Notification:
    """The village invites a talent who may claim the demand; the talent finds it in the inbox."""
    demand = _fresh(actor, demand)
    WORKFLOW.check("invite", demand, actor)
    year = timezone.localdate().year
    if not eligible_talents(demand.village_id, year).filter(pk=talent.pk).exists():
        raise ValidationError({"talent": f"{talent.name}{year}年不在本村服务，也不属于结对单位，不能邀请。"})
    if DemandClaim.objects.filter(demand=demand, talent=talent, status=ClaimStatus.ACTIVE).exists():
        raise ValidationError({"talent": f"{talent.name}已认领该需求。"})
    recipient = User.objects.filter(talent=talent, is_active=True).first()
    if recipient is None:
        raise ValidationError({"talent": f"{talent.name}尚未开通平台账号，请电话联系。"})
    link = demand.get_absolute_url()
    if Notification.objects.filter(recipient=recipient, kind=NotificationKind.INVITATION, link=link).exists():
        raise ValidationError({"talent": f"已邀请过{talent.name}认领该需求。"})
    # Through send(): the talent's channel preferences apply and the wording is the admin's template.
    context = {
        "village": demand.village.name,
        "demand": demand.title,
        "type": demand.get_type_display(),
        "places": demand.places_left,
    }
    key = f"invitation:{demand.pk}"
    send(
        template="invitation",
        kind=NotificationKind.INVITATION,
        key=key,
        messages=[Message(Target(user_id=recipient.pk), context, link, subject_id=demand.pk)],
    )
    notification = Notification.objects.get(recipient=recipient, kind=NotificationKind.INVITATION, dedupe_key=key)
    audit.record(action="invite", actor=actor, obj=demand, message=f"邀请{talent.name}认领")
    return notification
