"""Event notifications: what happened to someone's work, told to them after the change commits.

Services announce events with pairing.core.events.emit(event, pk) (pairing's agreements do the
same: pairing cannot import ledgers). The receiver below enqueues `ledgers.tasks.send_event` with
ids only; the task reloads the row and calls the event's handler, which names the recipients and
sends through services.notifications.send() with the key (event, pk, stamp): one row per
recipient per occurrence, however often the message is retried.
"""

from collections.abc import Callable

from pairing.choices import Role
from pairing.core.events import committed
from pairing.core.queueing import enqueue

from . import recipients
from .choices import ClaimStatus, NotificationKind
from .periods import month_label
from .services.notifications import Message, Target, send, talent_targets, users

HANDLERS: dict[str, Callable] = {}


def handler(event: str):
    def register(function):
        HANDLERS[event] = function
        return function

    return register


def on_committed(sender, *, event: str, pk: int, stamp: str, **kwargs) -> None:
    if event in HANDLERS:
        from .tasks import send_event

        enqueue(send_event, event, pk, stamp)


def connect() -> None:
    committed.connect(on_committed, dispatch_uid="ledgers.events")


def handle(event: str, pk: int, stamp: str) -> int:
    return HANDLERS[event](pk, stamp)


def _send(event: str, pk: int, stamp: str, targets, context: dict, link: str) -> int:
    messages = [Message(target, context, link) for target in targets]
    return send(template=event, kind=NotificationKind.NOTICE, key=f"{event}:{pk}:{stamp}", messages=messages).sent


def _link(obj) -> str:
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


# -- demands ----------------------------------------------------------------------------------


def _claimer_targets(claims) -> list[Target]:
    """The people behind claims: a talent (its account, or SMS), or the claiming unit's liaisons."""
    talent_ids = [c.talent_id for c in claims if c.talent_id]
    targets = list(talent_targets(talent_ids).values())
    units = recipients.accounts_by_anchor(Role.UNIT_LIAISON, [c.unit_id for c in claims if c.unit_id])
    targets += users(pk for ids in units.values() for pk in ids)
    return targets


def _demand_event(event: str, demand, stamp: str, claims, context: dict) -> int:
    targets = users(recipients.secretaries(demand.village_id)) + _claimer_targets(claims)
    context = {"village": demand.village.name, "demand": demand.title, **context}
    return _send(event, demand.pk, stamp, targets, context, _link(demand))


@handler("demand_claimed")
def demand_claimed(pk: int, stamp: str) -> int:
    from .models import DemandClaim

    claim = DemandClaim.objects.select_related("demand__village", "talent", "unit").get(pk=pk)
    demand = claim.demand
    context = {"claimant": claim.claimant_name, "claimed": demand.claimed_count, "wanted": demand.people_wanted}
    return _demand_event("demand_claimed", demand, stamp, [claim], context)


@handler("demand_resolved")
def demand_resolved(pk: int, stamp: str) -> int:
    from .models import Demand

    demand = Demand.objects.select_related("village").get(pk=pk)
    claims = list(demand.claims.filter(status=ClaimStatus.COMPLETED))
    return _demand_event("demand_resolved", demand, stamp, claims, {"outcome": demand.outcome})


@handler("demand_closed")
def demand_closed(pk: int, stamp: str) -> int:
    from .models import Demand

    demand = Demand.objects.select_related("village").get(pk=pk)
    claims = list(demand.claims.filter(status=ClaimStatus.CLOSED))
    return _demand_event("demand_closed", demand, stamp, claims, {"reason": demand.close_reason})


# -- activities -------------------------------------------------------------------------------


def _activity_event(event: str, pk: int, stamp: str) -> int:
    from .models import ServiceActivity

    activity = ServiceActivity.objects.select_related("village", "recorded_by").get(pk=pk)
    recorder = activity.recorded_by
    # Only self-recorded activities: the secretary who confirms her own entry need not be told.
    if recorder is None or recorder.pk == activity.reviewed_by_id:
        return 0
    context = {
        "village": activity.village.name,
        "activity": activity.title,
        "date": f"{activity.date.month}月{activity.date.day}日",
        "reason": activity.reject_reason,
    }
    return _send(event, pk, stamp, users([recorder.pk]), context, _link(activity))


@handler("activity_confirmed")
def activity_confirmed(pk: int, stamp: str) -> int:
    return _activity_event("activity_confirmed", pk, stamp)


@handler("activity_rejected")
def activity_rejected(pk: int, stamp: str) -> int:
    return _activity_event("activity_rejected", pk, stamp)


# -- months -----------------------------------------------------------------------------------


def _month_event(event: str, pk: int, stamp: str) -> int:
    from .models import LedgerMonth

    row = LedgerMonth.objects.select_related("village__township").get(pk=pk)
    village = row.village
    if event == "month_submitted":
        targets = users(recipients.officers(village.township_id))
    else:
        targets = users(recipients.secretaries(village.id))
    context = {
        "village": village.name,
        "township": village.township.name,
        "month": month_label(row.month),
        "reason": row.reopen_reason,
    }
    return _send(event, pk, stamp, targets, context, _link(row))


for _event in ("month_submitted", "month_confirmed", "month_reopened", "month_locked"):
    handler(_event)(lambda pk, stamp, _event=_event: _month_event(_event, pk, stamp))


# -- agreements (announced by pairing.services.agreements) ------------------------------------


def _agreement_event(event: str, pk: int, stamp: str) -> int:
    from pairing.models import Agreement

    agreement = Agreement.objects.select_related("pairing__village", "pairing__unit").get(pk=pk)
    pairing = agreement.pairing
    ids = recipients.liaisons(pairing.unit_id)
    if event != "agreement_submitted":
        ids = ids + recipients.secretaries(pairing.village_id)
    reason = agreement.transitions.order_by("-pk").values_list("reason", flat=True).first() or ""
    context = {"village": pairing.village.name, "unit": pairing.unit.name, "year": agreement.year, "reason": reason}
    return _send(event, pk, stamp, users(ids), context, _link(agreement))


for _event in ("agreement_submitted", "agreement_confirmed", "agreement_rejected", "agreement_signed"):
    handler(_event)(lambda pk, stamp, _event=_event: _agreement_event(_event, pk, stamp))


# -- evaluations ------------------------------------------------------------------------------


@handler("evaluation_forwarded")
def evaluation_forwarded(pk: int, stamp: str) -> int:
    from .models import TalentEvaluation

    row = TalentEvaluation.objects.select_related("talent", "village__township").get(pk=pk)
    if not row.talent.unit_id:
        return 0
    context = {
        "talent": row.talent.name,
        "village": row.village.name,
        "township": row.village.township.name,
        "quarter": f"{row.year}年第{row.quarter}季度",
    }
    return _send("evaluation_forwarded", pk, stamp, users(recipients.liaisons(row.talent.unit_id)), context, _link(row))


# -- for the assessment app -------------------------------------------------------------------


def notify_grades_confirmed(*, year: int, grades: dict[int, str], link: str = "", stamp: str = "") -> int:
    """Tell each graded talent its annual grade ({talent id: grade label}); a talent without an
    account gets an SMS. Call it from an on_commit callback; one row per talent, year (and stamp)."""
    targets = talent_targets(grades)
    messages = [Message(targets[t], {"year": year, "grade": grade}, link) for t, grade in grades.items()]
    key = f"grades_confirmed:{year}:{stamp}"
    return send(template="grades_confirmed", kind=NotificationKind.NOTICE, key=key, messages=messages).sent
