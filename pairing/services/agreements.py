"""The yearly agreement's workflow (DOMAIN.md "Three lists and one agreement").

draft → submitted (by the village) → confirmed (by the unit) → signed (both sides, scan attached)
→ closed (county, at year end). Submitted or confirmed agreements can be sent back to draft with a
reason; a signed one changes only through an amendment, which returns it to draft as the next
version while the signed version stays readable as an AgreementRevision.

Every function is one transaction with an explicit actor, keyword-only arguments and an audit
record. Checks run in one order, so a refusal says the most basic thing that is wrong:
out of scope (404) → wrong role (403) → stale version (409) → wrong state → content rules.
A refusal writes nothing except, for denials, an audit record written after the rollback.
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from pairing.core import audit, events, local_time
from pairing.core.concurrency import claim_version
from pairing.core.services import service
from pairing.core.uploads import random_upload_name, validate_scan_upload

from .. import date_rules, roles
from ..choices import (
    AgreementAction,
    AgreementStatus,
    DemandItemStatus,
    ProjectStatus,
    Role,
)
from ..core.workflows import Step, Workflow
from ..exceptions import StaleVersionError
from ..models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    AgreementRevision,
    AgreementTransition,
    HonoraryVillageHead,
    Pairing,
)

S = AgreementStatus
# The pairing's two parties. Row scope already limits a secretary or liaison to their own
# pairings' agreements, so the role is the whole condition.
PARTY_ROLES = (Role.VILLAGE_SECRETARY, Role.UNIT_LIAISON)
PARTY_LABEL = "村党组织书记/村务专干、县直单位联络员/名誉村长"


def _party(user, _obj) -> bool:
    return roles.has_role(user, *PARTY_ROLES)


def _step(action, label, states, who=_party, who_label=PARTY_LABEL, **extra) -> Step:
    return Step(action, label, who, who_label, frozenset(states) if states is not None else None, **extra)


WORKFLOW = Workflow(
    "agreement",
    [
        _step("create", "起草协议", None, creates=True),
        _step(
            "edit",
            "修改协议和清单",
            {S.DRAFT},
            hint=lambda a: "已签署的协议只能通过“变更”修改。" if a.status == S.SIGNED else "",
        ),
        _step(
            "submit",
            "提交协议",
            {S.DRAFT},
            lambda user, _a: roles.has_role(user, Role.VILLAGE_SECRETARY),
            "村党组织书记/村务专干",
            confirm="提交后由结对单位确认，提交期间本村不能再修改协议和清单；如需修改，须由单位退回。",
        ),
        _step(
            "confirm",
            "确认协议",
            {S.SUBMITTED},
            lambda user, _a: roles.has_role(user, Role.UNIT_LIAISON),
            "县直单位联络员/名誉村长",
            confirm="确认后双方即可登记签署；确认即表示单位同意协议和三个清单的内容。",
        ),
        _step(
            "reject",
            "退回协议",
            {S.SUBMITTED, S.CONFIRMED},
            confirm="退回后协议回到草拟状态，由本村修改后重新提交，单位须重新确认。",
        ),
        _step(
            "sign",
            "登记签署",
            {S.CONFIRMED},
            confirm="登记签署后协议生效，内容只能通过“变更”修改，原签署版本存档备查。",
        ),
        _step("amend", "变更协议", {S.SIGNED}, confirm="变更后协议回到草拟状态，须重新提交、确认和签署。"),
        _step("track", "更新项目进度和需求状态", {S.SIGNED}),
        _step(
            "close",
            "关闭协议",
            {S.SIGNED},
            lambda user, _a: roles.has_role(user, Role.COUNTY_ADMIN),
            "县委组织部工作人员",
            confirm="关闭后本年度协议归档，不能再更新项目进度或变更。",
        ),
        _step("carry_over", "结转下一年度", {S.SIGNED, S.CLOSED}),
    ],
    noun="协议",
    model=Agreement,
)
LIST_LABELS = {"resources": "资源清单", "demands": "需求清单", "projects": "结对共建项目清单"}
ITEM_MODELS = {
    "resource": AgreementResourceItem,
    "demand": AgreementDemandItem,
    "project": AgreementProjectItem,
}

DEFAULT_TERMS = """一、双方本着“资源共享、优势互补、共建共赢”的原则，开展党建结对共建。
二、县直单位党组织每月至少联系村党组织一次，了解村党组织在基层治理、为民服务、村级集体经济发展等方面的困难和问题。
三、双方每半年召开一次党建联席会议，由名誉村长和村党组织负责人共同主持。
四、双方按照本协议所附资源清单、需求清单和结对共建项目清单抓好落实，项目进度按月更新。
五、本协议自签署之日起至当年12月31日有效；一式三份，双方各执一份，报县委组织部备案一份。"""


def allowed_actions(user, agreement: Agreement) -> list[str]:
    """Actions `user` may take on `agreement` now (buttons and the API's `actions`)."""
    return WORKFLOW.allowed(agreement, user)


def _snapshot(obj) -> dict:
    data = audit.snapshot(obj)
    if "scan" in data:
        data["scan"] = getattr(data["scan"], "name", data["scan"]) or ""
    return data


def _load(actor, agreement: Agreement) -> Agreement:
    """The stored row, if `actor` may see it; out of scope is 404 (its existence is not disclosed)."""
    try:
        return (
            Agreement.objects.visible_to(actor)
            .select_related("pairing__unit", "pairing__village__township")
            .get(pk=agreement.pk)
        )
    except Agreement.DoesNotExist:
        raise Http404 from None


def _require_version(agreement: Agreement, expected_version) -> None:
    if expected_version is not None and int(expected_version) != agreement.version:
        raise StaleVersionError("该协议已被他人修改，请刷新页面后重试。")


def _begin(actor, agreement: Agreement, action: str, expected_version) -> Agreement:
    current = _load(actor, agreement)
    WORKFLOW.require_role(action, current, actor)
    _require_version(current, expected_version)
    WORKFLOW.require_state(action, current)
    return current


def _require_lists(agreement: Agreement) -> None:
    empty = [label for name, label in LIST_LABELS.items() if not getattr(agreement, name).exists()]
    if empty:
        raise ValidationError(
            f"{'、'.join(empty)}为空：三个清单都至少要有一项，才能提交或签署协议。", code="empty_list"
        )


def _log(*, actor, agreement: Agreement, action: str, from_status: str, reason: str = "") -> AgreementTransition:
    return AgreementTransition.objects.create(
        agreement=agreement,
        action=action,
        from_status=from_status,
        to_status=agreement.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.display_name if actor is not None and actor.is_authenticated else "系统任务"),
        amendment_no=agreement.amendment_no,
        reason=reason,
    )


def _move(*, actor, agreement: Agreement, action: str, to_status: str, reason: str = "", **updates) -> Agreement:
    """Change status (and `updates`) by a conditional UPDATE on the version, log it and audit it."""
    before = _snapshot(agreement)
    from_status = agreement.status
    claim_version(agreement, agreement.version, status=to_status, updated_at=timezone.now(), **updates)
    _log(actor=actor, agreement=agreement, action=action, from_status=from_status, reason=reason)
    audit.record(
        action=f"agreement_{action}",
        actor=actor,
        obj=agreement,
        changes=audit.diff(before, _snapshot(agreement)),
        message=reason,
    )
    if action in NOTIFIED_EVENTS:
        # Told to the parties after commit by whoever listens (ledgers writes the notifications).
        events.emit(NOTIFIED_EVENTS[action], agreement.pk)
    return agreement


NOTIFIED_EVENTS = {
    AgreementAction.SUBMIT: "agreement_submitted",
    AgreementAction.CONFIRM: "agreement_confirmed",
    AgreementAction.REJECT: "agreement_rejected",
    AgreementAction.SIGN: "agreement_signed",
}


def _touch(agreement: Agreement) -> None:
    """Item edits change the agreement's content: they take a new version like any other write."""
    claim_version(agreement, agreement.version, updated_at=timezone.now())


def _require_reason(reason: str, label: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"{label}须填写原因。"})
    return reason


def current_head_name(pairing: Pairing) -> str:
    head = HonoraryVillageHead.objects.filter(pairing=pairing, end_date__isnull=True).first()
    return head.name if head else ""


# --- drafting ----------------------------------------------------------------------------------


@service
def create_agreement(*, actor, pairing: Pairing, year: int, terms: str = "") -> Agreement:
    """Start a pairing's agreement for `year` as a draft (at most one per pairing and year)."""
    if not Pairing.objects.visible_to(actor).filter(pk=pairing.pk).exists():
        raise Http404
    WORKFLOW.require_role("create", pairing, actor)
    pairing = Pairing.objects.select_related("unit", "village__township").get(pk=pairing.pk)
    if not pairing.is_active_in(year):
        raise ValidationError({"year": f"该结对关系在{year}年度不在结对期内，不能起草协议。"})
    duplicate = ValidationError(
        {"year": f"该结对关系{year}年度已有协议，每个结对关系每年只能签订一份协议。"}, code="duplicate_year"
    )
    if Agreement.objects.filter(pairing=pairing, year=year).exists():
        raise duplicate
    agreement = Agreement(
        pairing=pairing,
        year=year,
        terms=terms.strip() or DEFAULT_TERMS,
        unit_signatory=current_head_name(pairing),
        village_signatory=pairing.village.secretary_name,
    )
    agreement.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise duplicate from None  # a simultaneous create won the unique constraint
    _log(actor=actor, agreement=agreement, action=AgreementAction.CREATE, from_status="")
    audit.record(action="agreement_create", actor=actor, obj=agreement, changes=audit.diff(None, _snapshot(agreement)))
    return agreement


@service
def update_terms(*, actor, agreement: Agreement, terms: str, expected_version=None) -> Agreement:
    current = _begin(actor, agreement, "edit", expected_version)
    before = _snapshot(current)
    claim_version(current, current.version, terms=terms.strip(), updated_at=timezone.now())
    audit.record(action="agreement_update", actor=actor, obj=current, changes=audit.diff(before, _snapshot(current)))
    return current


def _check_links(agreement: Agreement, demands, resources) -> None:
    errors = {}
    if demands is not None and any(d.agreement_id != agreement.pk for d in demands):
        errors["demands"] = "只能关联本协议需求清单中的需求。"
    if resources is not None and any(r.agreement_id != agreement.pk for r in resources):
        errors["resources"] = "只能关联本协议资源清单中的资源。"
    if errors:
        raise ValidationError(errors)


@service
def save_item(*, actor, item, expected_version=None, demands=None, resources=None):
    """Add or change one resource, demand or project line of a draft agreement.

    `demands` and `resources` (projects only) replace the project's links when given; they must
    be lines of the same agreement.
    """
    model = type(item)
    before = None
    if item.pk is not None:
        stored = model.objects.visible_to(actor).filter(pk=item.pk).first()
        if stored is None:
            raise Http404
        # An item never moves to another agreement, whatever the caller set.
        item.agreement_id = stored.agreement_id
        before = _snapshot(stored)
    agreement = _begin(actor, Agreement(pk=item.agreement_id), "edit", expected_version)
    item.agreement = agreement
    item.full_clean()
    _check_links(agreement, demands, resources)
    item.save()
    changes = audit.diff(before, _snapshot(item))
    if isinstance(item, AgreementProjectItem):
        for name, values in (("demands", demands), ("resources", resources)):
            if values is None:
                continue
            manager = getattr(item, name)
            old = sorted(manager.values_list("pk", flat=True))
            manager.set(values)
            new = sorted(v.pk for v in values)
            if old != new:
                changes[name] = [old, new]
    _touch(agreement)
    audit.record(action="update" if before else "create", actor=actor, obj=item, changes=changes)
    return item


@service
def delete_item(*, actor, item, expected_version=None) -> None:
    stored = type(item).objects.visible_to(actor).filter(pk=item.pk).first()
    if stored is None:
        raise Http404
    agreement = _begin(actor, Agreement(pk=stored.agreement_id), "edit", expected_version)
    before = _snapshot(stored)
    pk = stored.pk
    stored.delete()
    stored.pk = pk
    _touch(agreement)
    audit.record(action="delete", actor=actor, obj=stored, changes=audit.diff(before, None))


@service
def track_project(
    *, actor, item: AgreementProjectItem, progress: int, status: str, outcome: str = "", expected_version=None
) -> AgreementProjectItem:
    """Follow a project through a signed year: progress, status and outcome only."""
    stored = AgreementProjectItem.objects.visible_to(actor).filter(pk=item.pk).first()
    if stored is None:
        raise Http404
    agreement = _begin(actor, Agreement(pk=stored.agreement_id), "track", expected_version)
    before = _snapshot(stored)
    stored.progress, stored.status, stored.outcome = progress, status, outcome.strip()
    stored.agreement = agreement
    stored.full_clean()
    stored.save(update_fields=["progress", "status", "outcome"])
    _touch(agreement)
    audit.record(action="update", actor=actor, obj=stored, changes=audit.diff(before, _snapshot(stored)))
    return stored


@service
def track_demand(*, actor, item: AgreementDemandItem, status: str, expected_version=None) -> AgreementDemandItem:
    """Mark a demand of a signed agreement resolved (or open again)."""
    stored = AgreementDemandItem.objects.visible_to(actor).filter(pk=item.pk).first()
    if stored is None:
        raise Http404
    agreement = _begin(actor, Agreement(pk=stored.agreement_id), "track", expected_version)
    if status not in DemandItemStatus.values:
        raise ValidationError({"status": "需求状态无效。"})
    before = _snapshot(stored)
    stored.status = status
    stored.save(update_fields=["status"])
    _touch(agreement)
    audit.record(action="update", actor=actor, obj=stored, changes=audit.diff(before, _snapshot(stored)))
    return stored


# --- the workflow ------------------------------------------------------------------------------


@service
def submit(*, actor, agreement: Agreement, expected_version) -> Agreement:
    """The village submits the draft to the unit."""
    current = _begin(actor, agreement, "submit", expected_version)
    _require_lists(current)
    return _move(actor=actor, agreement=current, action=AgreementAction.SUBMIT, to_status=S.SUBMITTED)


@service
def confirm(*, actor, agreement: Agreement, expected_version) -> Agreement:
    """The unit liaison confirms the submitted lists and terms."""
    current = _begin(actor, agreement, "confirm", expected_version)
    return _move(actor=actor, agreement=current, action=AgreementAction.CONFIRM, to_status=S.CONFIRMED)


@service
def reject(*, actor, agreement: Agreement, reason: str, expected_version) -> Agreement:
    """Send a submitted or confirmed agreement back to draft, saying why."""
    current = _begin(actor, agreement, "reject", expected_version)
    reason = _require_reason(reason, "退回")
    return _move(actor=actor, agreement=current, action=AgreementAction.REJECT, to_status=S.DRAFT, reason=reason)


def _check_signing(agreement: Agreement, *, signed_on, scan, unit_signatory: str, village_signatory: str) -> str:
    """Validate the signing record; return the extension the scan is stored under."""
    errors = {}
    if not unit_signatory:
        errors["unit_signatory"] = "请填写单位签署人（名誉村长）。"
    if not village_signatory:
        errors["village_signatory"] = "请填写村签署人（村党组织书记）。"
    if not isinstance(signed_on, datetime.date):
        errors["signed_on"] = "请填写签署日期。"
    else:
        # A copy: the stored row keeps its values until _move() writes (and audits) them.
        candidate = copy.copy(agreement)
        candidate.signed_on = signed_on
        errors |= date_rules.violations(date_rules.RULES, candidate)
    extension = ""
    if not scan:
        errors["scan"] = "请上传双方签字盖章后的协议扫描件（PDF 或图片）。"
    else:
        try:
            extension = validate_scan_upload(scan)
        except ValidationError as exc:
            errors["scan"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return extension


def default_signing_date(agreement: Agreement) -> datetime.date | None:
    """Today, if the date rules accept it for this agreement (the signing form's first value)."""
    candidate = copy.copy(agreement)
    candidate.signed_on = local_time.today()
    return None if date_rules.violations(date_rules.RULES, candidate) else candidate.signed_on


def _ensure_revision(agreement: Agreement, actor) -> AgreementRevision:
    existing = AgreementRevision.objects.filter(agreement=agreement, amendment_no=agreement.amendment_no).first()
    if existing is not None:
        return existing
    fresh = Agreement.objects.prefetch_related("resources", "demands", "projects__demands", "projects__resources")
    document = fresh.select_related("pairing__unit", "pairing__village__township").get(pk=agreement.pk).as_document()
    return AgreementRevision.objects.create(
        agreement=agreement,
        amendment_no=agreement.amendment_no,
        document=document,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


@service
def sign(
    *,
    actor,
    agreement: Agreement,
    expected_version,
    signed_on: datetime.date,
    scan,
    unit_signatory: str = "",
    village_signatory: str = "",
) -> Agreement:
    """Record that both sides signed: signatories, date and the scanned signed copy."""
    current = _begin(actor, agreement, "sign", expected_version)
    _require_lists(current)
    unit_signatory = (unit_signatory or "").strip() or current_head_name(current.pairing)
    village_signatory = (village_signatory or "").strip() or current.pairing.village.secretary_name
    extension = _check_signing(
        current, signed_on=signed_on, scan=scan, unit_signatory=unit_signatory, village_signatory=village_signatory
    )
    stored_name = current.scan.storage.save(random_upload_name("agreement-scans", extension), scan)
    _move(
        actor=actor,
        agreement=current,
        action=AgreementAction.SIGN,
        to_status=S.SIGNED,
        signed_on=signed_on,
        unit_signatory=unit_signatory,
        village_signatory=village_signatory,
        scan=stored_name,
    )
    _ensure_revision(current, actor)
    return current


@service
def amend(*, actor, agreement: Agreement, reason: str, expected_version) -> Agreement:
    """Open a signed agreement for change as its next version; the signed one stays readable."""
    current = _begin(actor, agreement, "amend", expected_version)
    reason = _require_reason(reason, "变更")
    _ensure_revision(current, actor)
    # The new version needs its own signatures and scan; the old scan stays in the revision.
    return _move(
        actor=actor,
        agreement=current,
        action=AgreementAction.AMEND,
        to_status=S.DRAFT,
        reason=reason,
        amendment_no=current.amendment_no + 1,
        signed_on=None,
        scan="",
    )


@service
def close(*, actor, agreement: Agreement, expected_version=None, reason: str = "") -> Agreement:
    """Close a signed agreement at year end (county admin, or the year-end job acting as one)."""
    current = _begin(actor, agreement, "close", expected_version)
    return _move(
        actor=actor, agreement=current, action=AgreementAction.CLOSE, to_status=S.CLOSED, reason=(reason or "").strip()
    )


def _shift_into(year: int, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    new_start = min(max(start, first), last)
    new_end = last if end < first else min(end, last)
    return new_start, max(new_start, new_end)


@service
def carry_over(*, actor, agreement: Agreement, copy_projects: bool = True, copy_demands: bool = True) -> Agreement:
    """Start next year's draft from this year's: unfinished projects and open demands come along."""
    source = _begin(actor, agreement, "carry_over", None)
    year = source.year + 1
    pairing = source.pairing
    if not pairing.is_active_in(year):
        raise ValidationError(f"该结对关系在{year}年度不在结对期内，不能结转。")
    if Agreement.objects.filter(pairing=pairing, year=year).exists():
        raise ValidationError(
            f"该结对关系{year}年度已有协议，每个结对关系每年只能签订一份协议。", code="duplicate_year"
        )
    target = Agreement.objects.create(
        pairing=pairing,
        year=year,
        terms=source.terms or DEFAULT_TERMS,
        unit_signatory=current_head_name(pairing) or source.unit_signatory,
        village_signatory=pairing.village.secretary_name or source.village_signatory,
        carried_from=source,
    )
    demand_map = {}
    if copy_demands:
        for old in source.demands.filter(status=DemandItemStatus.OPEN):
            expected_by = old.expected_by if old.expected_by and old.expected_by.year == year else None
            demand_map[old.pk] = AgreementDemandItem(
                agreement=target,
                category=old.category,
                description=old.description,
                priority=old.priority,
                expected_by=expected_by,
            )
        AgreementDemandItem.objects.bulk_create(demand_map.values())
    projects = []
    if copy_projects:
        unfinished = source.projects.filter(status__in=[ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS])
        for old in unfinished.prefetch_related("demands"):
            start, end = _shift_into(year, old.start_date, old.end_date)
            new = AgreementProjectItem(
                agreement=target,
                name=old.name,
                content=old.content,
                planned_investment=old.planned_investment,
                unit_owner=old.unit_owner,
                village_owner=old.village_owner,
                start_date=start,
                end_date=end,
                progress=old.progress,
                status=old.status,
                outcome=old.outcome,
            )
            projects.append((new, [demand_map[d.pk] for d in old.demands.all() if d.pk in demand_map]))
        AgreementProjectItem.objects.bulk_create([p for p, _ in projects])
        links = AgreementProjectItem.demands.through
        links.objects.bulk_create(
            [links(agreementprojectitem=p, agreementdemanditem=d) for p, ds in projects for d in ds]
        )
    reason = f"由{source.year}年度协议结转：{len(projects)}个未完成项目、{len(demand_map)}项未解决需求。"
    _log(actor=actor, agreement=target, action=AgreementAction.CARRY_OVER, from_status="", reason=reason)
    audit.record(
        action="agreement_carry_over",
        actor=actor,
        obj=target,
        changes=audit.diff(None, _snapshot(target)),
        message=reason,
    )
    return target
