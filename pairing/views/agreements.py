"""Agreement pages: the signing-progress overview, the agreement page with its three lists and
history, inline item editing with plain forms, the workflow buttons, and the A4 print view.

Every row comes through `visible_to(user)` (out of scope is 404); every change goes through
pairing/services/agreements.py, whose refusals come back here as Chinese messages. A write from an
outdated page (the `version` it carries is stale) changes nothing and says so.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from pairing.core.filtering import parse_id

from .. import queries
from ..choices import AgreementStatus
from ..core.refusals import add_errors, attempt, flash_refusal
from ..exceptions import StaleVersionError
from ..forms import agreements as f
from ..models import Agreement, AgreementRevision
from ..roles import has_role
from ..services import agreements as agreement_service

S = AgreementStatus
SCAN_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
ACTION_FORMS = {
    "submit": f.VersionForm,
    "confirm": f.VersionForm,
    "reject": f.RejectForm,
    "sign": f.SignForm,
    "amend": f.AmendForm,
    "close": f.CloseForm,
}
SUCCESS = {
    "submit": "已提交，等待结对单位确认。",
    "confirm": "已确认，可以登记签署。",
    "reject": "已退回修改。",
    "sign": "已登记签署，协议生效。",
    "amend": "已开始变更：协议回到草拟状态，原签署版本已存档可查。",
    "close": "协议已关闭。",
}


def scan_response(storage, name: str) -> FileResponse:
    """A stored scan as a download, typed from our own extension list and never served as HTML."""
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    content_type = SCAN_TYPES.get(extension, "application/octet-stream")
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("扫描件文件缺失，请联系管理员。") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = settings.FILE_CONTENT_SECURITY_POLICY
    return response


def _agreement(request, pk) -> Agreement:
    queryset = Agreement.objects.visible_to(request.user).select_related("pairing__unit", "pairing__village__township")
    return get_object_or_404(queryset, pk=pk)


def _form_errors(form) -> str:
    """A form's errors as one Chinese sentence, each prefixed with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = f"{form.fields[name].label}：" if name in form.fields else ""
        parts.extend(f"{label}{error}" for error in errors)
    return "；".join(parts)


# --- overview ---------------------------------------------------------------------------------


@require_GET
def overview(request):
    form = f.OverviewFilterForm(request.GET or None, user=request.user)
    year = form.year_or_current()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    overview = queries.agreement_overview(request.user, year, data, many_counties=form.many_counties)
    summary, totals, by = overview.summary, overview.totals, overview.by
    page = Paginator(overview.rows, 50).get_page(request.GET.get("page"))
    status_labels = dict(queries.OVERVIEW_STATUSES)
    for pairing in page.object_list:
        pairing.agreement_status_label = status_labels[pairing.agreement_status]
    return render(
        request,
        "pairing/agreements/overview.html",
        {
            "form": form,
            "year": year,
            "summary": summary,
            "summary_by": by,
            "totals": totals,
            "statuses": queries.OVERVIEW_STATUSES,
            "page_obj": page,
            "export_kind": "agreement_overview",
            "export_params": [(k, v) for k, values in request.GET.lists() if k != "page" for v in values],
            "can_create": agreement_service.WORKFLOW.may("create", None, request.user),
            "breadcrumbs": [("三清单一协议", "")],
        },
    )


@require_POST
def create(request):
    form = f.CreateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("pairing:agreement_overview")
    agreement = attempt(
        request,
        lambda: agreement_service.create_agreement(
            actor=request.user, pairing=form.cleaned_data["pairing"], year=form.cleaned_data["year"]
        ),
        "已起草协议，请填写三个清单。",
    )
    if agreement is None:
        return redirect(f"{reverse('pairing:agreement_overview')}?year={form.cleaned_data['year']}")
    return redirect(agreement)


# --- the agreement page -----------------------------------------------------------------------


def _numbered(items) -> dict[int, int]:
    return {item.pk: i for i, item in enumerate(items, 1)}


def detail_context(request, agreement: Agreement, bound: dict | None = None) -> dict:
    """Everything the agreement page shows; `bound` holds forms re-shown with their errors."""
    user = request.user
    bound = bound or {}
    allowed = agreement_service.allowed_actions(user, agreement)
    editing = "edit" in allowed
    tracking = "track" in allowed
    resources = list(agreement.resources.all())
    demands = list(agreement.demands.all())
    projects = list(agreement.projects.prefetch_related("demands", "resources"))
    resource_no, demand_no = _numbered(resources), _numbered(demands)
    open_key = request.GET.get("edit", "")
    track_key = request.GET.get("track", "")
    version = {"agreement_version": agreement.version}

    def item_form(kind, item):
        key = f"{kind}-{item.pk}"
        if key in bound:
            return bound[key]
        if editing and open_key == key:
            return f.ITEM_FORMS[kind](instance=item, user=user, agreement=agreement, auto_id=f"{key}-%s")
        return None

    def rows(kind, items):
        return [{"item": item, "no": i, "form": item_form(kind, item)} for i, item in enumerate(items, 1)]

    project_rows = rows("project", projects)
    for row in project_rows:
        project = row["item"]
        row["demand_nos"] = sorted(demand_no[d.pk] for d in project.demands.all() if d.pk in demand_no)
        row["resource_nos"] = sorted(resource_no[r.pk] for r in project.resources.all() if r.pk in resource_no)
        key = f"project-{project.pk}"
        if tracking and (track_key == key or f"track-{key}" in bound):
            row["track_form"] = bound.get(f"track-{key}") or f.ProjectTrackForm(
                initial={**version, "progress": project.progress, "status": project.status, "outcome": project.outcome},
                user=user,
                auto_id=f"track-{key}-%s",
            )
    add_forms = {}
    if editing:
        for kind, form_class in f.ITEM_FORMS.items():
            add_forms[kind] = bound.get(f"add-{kind}") or form_class(
                user=user, agreement=agreement, auto_id=f"add-{kind}-%s"
            )
    # Several forms share one page: each gets its own id prefix (`auto_id`), the field names stay.
    action_forms = {
        "reject": f.RejectForm(initial={"version": agreement.version}, user=user, auto_id="reject-%s"),
        "amend": f.AmendForm(initial={"version": agreement.version}, user=user, auto_id="amend-%s"),
        "close": f.CloseForm(initial={"version": agreement.version}, user=user, auto_id="close-%s"),
        "sign": bound.get("sign")
        or f.SignForm(
            initial={
                "version": agreement.version,
                "signed_on": agreement_service.default_signing_date(agreement),
                "unit_signatory": agreement.unit_signatory or agreement_service.current_head_name(agreement.pairing),
                "village_signatory": agreement.village_signatory or agreement.pairing.village.secretary_name,
            },
            user=user,
            auto_id="sign-%s",
        ),
        "carry_over": f.CarryOverForm(user=user, auto_id="carry-over-%s"),
    }
    return {
        "agreement": agreement,
        "allowed": allowed,
        "workflow": [action for action in allowed if action not in ("edit", "track")],
        "steps": agreement_service.WORKFLOW.steps,
        "editing": editing,
        "tracking": tracking,
        "resource_rows": rows("resource", resources),
        "demand_rows": rows("demand", demands),
        "project_rows": project_rows,
        "add_forms": add_forms,
        "terms_form": bound.get("terms")
        or f.TermsForm(initial={"version": agreement.version, "terms": agreement.terms}, user=user, auto_id="terms-%s"),
        "action_forms": action_forms,
        "transitions": agreement.transitions.all(),
        "revisions": agreement.revisions.defer("document"),
        "is_party": has_role(user, *agreement_service.PARTY_ROLES),
        "breadcrumbs": [
            ("三清单一协议", f"{reverse('pairing:agreement_overview')}?year={agreement.year}"),
            (f"{agreement.year}年 {agreement.pairing.village.name}", ""),
        ],
    }


@require_GET
def detail(request, pk):
    agreement = _agreement(request, pk)
    return render(request, "pairing/agreements/detail.html", detail_context(request, agreement))


def _render_with_errors(request, agreement, bound):
    context = detail_context(request, agreement, bound)
    return render(request, "pairing/agreements/detail.html", context, status=400)


@require_POST
def terms(request, pk):
    agreement = _agreement(request, pk)
    form = f.TermsForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_with_errors(request, agreement, {"terms": form})
    attempt(
        request,
        lambda: agreement_service.update_terms(
            actor=request.user,
            agreement=agreement,
            terms=form.cleaned_data["terms"],
            expected_version=form.cleaned_data["version"],
        ),
        "协议条款已保存。",
    )
    return redirect(agreement)


@require_POST
def transition(request, pk, action):
    agreement = _agreement(request, pk)
    form = ACTION_FORMS[action](request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        if action == "sign":  # the signing form is on the page: show its errors at its fields
            return _render_with_errors(request, agreement, {"sign": form})
        messages.error(request, _form_errors(form))
        return redirect(agreement)
    data = form.cleaned_data
    common = {"actor": request.user, "agreement": agreement, "expected_version": data["version"]}
    calls = {
        "submit": lambda: agreement_service.submit(**common),
        "confirm": lambda: agreement_service.confirm(**common),
        "reject": lambda: agreement_service.reject(**common, reason=data["reason"]),
        "amend": lambda: agreement_service.amend(**common, reason=data["reason"]),
        "close": lambda: agreement_service.close(**common, reason=data["reason"]),
        "sign": lambda: agreement_service.sign(
            **common,
            signed_on=data["signed_on"],
            scan=data["scan"],
            unit_signatory=data["unit_signatory"],
            village_signatory=data["village_signatory"],
        ),
    }
    if action == "sign":
        attempt(request, calls[action], SUCCESS[action], form=form)
        if form.errors:
            return _render_with_errors(request, agreement, {"sign": form})
        return redirect(agreement)
    attempt(request, calls[action], SUCCESS[action])
    return redirect(agreement)


@require_POST
def carry_over(request, pk):
    agreement = _agreement(request, pk)
    form = f.CarryOverForm(request.POST, user=request.user)
    form.is_valid()
    following = attempt(
        request,
        lambda: agreement_service.carry_over(
            actor=request.user,
            agreement=agreement,
            copy_projects=form.cleaned_data.get("copy_projects", False),
            copy_demands=form.cleaned_data.get("copy_demands", False),
        ),
        f"已起草{agreement.year + 1}年度协议，并结转了未完成的项目和未解决的需求。",
    )
    return redirect(following or agreement)


# --- items ------------------------------------------------------------------------------------


def _item(request, agreement, kind, item_pk):
    if kind not in agreement_service.ITEM_MODELS:
        raise Http404
    model = agreement_service.ITEM_MODELS[kind]
    return get_object_or_404(model.objects.visible_to(request.user), pk=item_pk, agreement=agreement)


@require_POST
def item_save(request, pk, kind, item_pk=None):
    agreement = _agreement(request, pk)
    if kind not in f.ITEM_FORMS:
        raise Http404
    instance = _item(request, agreement, kind, item_pk) if item_pk else None
    key = f"{kind}-{item_pk}" if item_pk else f"add-{kind}"
    form = f.ITEM_FORMS[kind](
        request.POST, instance=instance, user=request.user, agreement=agreement, auto_id=f"{key}-%s"
    )
    anchor = f"{agreement.get_absolute_url()}#list-{kind}"
    if form.is_valid():
        links = {}
        if kind == "project":
            links = {name: list(form.cleaned_data[name]) for name in ("demands", "resources")}
        try:
            agreement_service.save_item(
                actor=request.user,
                item=form.instance,
                expected_version=form.cleaned_data["agreement_version"],
                **links,
            )
        except (StaleVersionError, PermissionDenied) as exc:
            flash_refusal(request, exc)
            return redirect(anchor)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(anchor)
    return _render_with_errors(request, agreement, {key: form})


@require_POST
def item_delete(request, pk, kind, item_pk):
    agreement = _agreement(request, pk)
    item = _item(request, agreement, kind, item_pk)
    version = request.POST.get("agreement_version", "")
    expected = parse_id(version)
    attempt(
        request,
        lambda: agreement_service.delete_item(actor=request.user, item=item, expected_version=expected),
        "已删除。",
    )
    return redirect(f"{agreement.get_absolute_url()}#list-{kind}")


@require_POST
def item_track(request, pk, kind, item_pk):
    agreement = _agreement(request, pk)
    item = _item(request, agreement, kind, item_pk)
    if kind == "project":
        form = f.ProjectTrackForm(request.POST, user=request.user, auto_id=f"track-project-{item.pk}-%s")
        if not form.is_valid():
            return _render_with_errors(request, agreement, {f"track-project-{item.pk}": form})
        data = form.cleaned_data
        call = lambda: agreement_service.track_project(  # noqa: E731
            actor=request.user,
            item=item,
            progress=data["progress"],
            status=data["status"],
            outcome=data["outcome"],
            expected_version=data["agreement_version"],
        )
    elif kind == "demand":
        form = f.DemandTrackForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect(agreement)
        data = form.cleaned_data
        call = lambda: agreement_service.track_demand(  # noqa: E731
            actor=request.user, item=item, status=data["status"], expected_version=data["agreement_version"]
        )
    else:
        raise Http404
    attempt(request, call, "进度已更新。")
    return redirect(f"{agreement.get_absolute_url()}#list-{kind}")


# --- print, revisions and scans ---------------------------------------------------------------


def _print(request, agreement, document, revision=None):
    return render(
        request,
        "pairing/agreements/print.html",
        {"agreement": agreement, "doc": document, "revision": revision},
    )


@require_GET
def print_view(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user)
        .select_related("pairing__unit", "pairing__village__township")
        .prefetch_related("resources", "demands", "projects__demands", "projects__resources"),
        pk=pk,
    )
    return _print(request, agreement, agreement.as_document())


def _revision(request, agreement, number) -> AgreementRevision:
    revisions = AgreementRevision.objects.visible_to(request.user)
    return get_object_or_404(revisions, agreement=agreement, amendment_no=number)


@require_GET
def revision(request, pk, number):
    agreement = _agreement(request, pk)
    frozen = get_object_or_404(
        AgreementRevision.objects.visible_to(request.user), agreement=agreement, amendment_no=number
    )
    return _print(request, agreement, frozen.document, frozen)


@require_GET
def scan(request, pk):
    agreement = _agreement(request, pk)
    if not agreement.scan:
        raise Http404
    return scan_response(agreement.scan.storage, agreement.scan.name)


@require_GET
def revision_scan(request, pk, number):
    agreement = _agreement(request, pk)
    frozen = get_object_or_404(
        AgreementRevision.objects.visible_to(request.user), agreement=agreement, amendment_no=number
    )
    name = frozen.document.get("scan") or ""
    if not name:
        raise Http404
    return scan_response(agreement.scan.storage, name)


urlpatterns = [
    path("agreements/", overview, name="agreement_overview"),
    path("agreements/new/", create, name="agreement_create"),
    path("agreements/<int:pk>/", detail, name="agreement_detail"),
    path("agreements/<int:pk>/terms/", terms, name="agreement_terms"),
    path("agreements/<int:pk>/print/", print_view, name="agreement_print"),
    path("agreements/<int:pk>/scan/", scan, name="agreement_scan"),
    path("agreements/<int:pk>/carry-over/", carry_over, name="agreement_carry_over"),
    path("agreements/<int:pk>/revisions/<int:number>/", revision, name="agreement_revision"),
    path("agreements/<int:pk>/revisions/<int:number>/scan/", revision_scan, name="agreement_revision_scan"),
    path("agreements/<int:pk>/items/<str:kind>/add/", item_save, name="agreement_item_add"),
    path("agreements/<int:pk>/items/<str:kind>/<int:item_pk>/", item_save, name="agreement_item_edit"),
    path("agreements/<int:pk>/items/<str:kind>/<int:item_pk>/delete/", item_delete, name="agreement_item_delete"),
    path("agreements/<int:pk>/items/<str:kind>/<int:item_pk>/track/", item_track, name="agreement_item_track"),
    *[
        path(f"agreements/<int:pk>/{action}/", transition, {"action": action}, name=f"agreement_{action}")
        for action in ACTION_FORMS
    ],
]
