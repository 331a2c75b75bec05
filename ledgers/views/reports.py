"""Township half-year report pages: the county sees who has reported; the township drafts and submits."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core.refusals import add_errors, flash_refusal
from pairing.core.workbooks import xlsx_response
from pairing.models import Township

from .. import narrative
from ..forms.meetings import ReportForm
from ..models import TownshipHalfYearReport
from ..periods import half_label, half_of
from ..services import reports as report_service

REPORT_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER)


def _require_role(user) -> None:
    # Villages, units and talents have no part in township reports: the page does not exist for them.
    if not (user.is_superuser or user.role in REPORT_ROLES):
        raise Http404


def _half(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        half = int(request.GET.get("half") or half_of(today))
    except ValueError:
        raise Http404 from None
    if not (2000 <= year <= 2100 and half in (1, 2)):
        raise Http404
    return year, half


def report_list(request):
    """Every township in scope with its report for the chosen half year (missing = not started)."""
    _require_role(request.user)
    year, half = _half(request)
    townships = Township.objects.visible_to(request.user).order_by("code")
    reports = {
        r.township_id: r
        for r in TownshipHalfYearReport.objects.visible_to(request.user)
        .filter(year=year, half=half)
        .select_related("submitted_by")
    }
    rows = [(t, reports.get(t.pk)) for t in townships]
    is_township = request.user.role == Role.TOWNSHIP_OFFICER
    # The workbook is built by the export framework, with a progress page (pairing/core/exports.py).
    export_params = [("year", year), ("half", half)]
    if is_township:
        export_params.append(("township", request.user.township_id))
    return render(
        request,
        "ledgers/reports/list.html",
        {
            "rows": rows,
            "year": year,
            "half": half,
            "label": half_label(year, half),
            "submitted": sum(1 for _, r in rows if r and r.is_submitted),
            "missing": [t for t, r in rows if not (r and r.is_submitted)],
            "is_township": is_township,
            "export_kind": "township_half_year" if is_township else "county_half_year",
            "export_params": export_params,
            "export_label": f"导出{'本乡镇' if is_township else '全县'}{half_label(year, half)}工作情况统计表",
        },
    )


def report_edit(request, township_id, year, half):
    _require_role(request.user)
    township = get_object_or_404(Township.objects.visible_to(request.user), pk=township_id)
    if half not in (1, 2):
        raise Http404
    report = (
        TownshipHalfYearReport.objects.visible_to(request.user).filter(township=township, year=year, half=half).first()
    )
    # A new report starts from the generated draft; "重新生成" replaces the text (not yet saved).
    text = report.summary if report and report.summary and not request.GET.get("draft") else None
    if text is None and request.method != "POST":
        text = narrative.draft(request.user, township, year, half, timezone.localdate())
    form = ReportForm(request.POST or None, initial={"summary": text or ""})
    if request.method == "POST" and form.is_valid():
        try:
            report = report_service.save_report(
                actor=request.user, township=township, year=year, half=half, summary=form.cleaned_data["summary"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存草稿。")
            return redirect(report)
    return render(
        request,
        "ledgers/reports/form.html",
        {"form": form, "township": township, "label": half_label(year, half), "report": report},
    )


def report_detail(request, pk):
    _require_role(request.user)
    report = get_object_or_404(
        TownshipHalfYearReport.objects.visible_to(request.user).select_related("township", "submitted_by"), pk=pk
    )
    actions = report_service.allowed_actions(request.user, report)
    return render(
        request,
        "ledgers/reports/detail.html",
        {
            "report": report,
            "can_change": "edit" in actions,
            "can_submit": "submit" in actions,
            "steps": report_service.WORKFLOW.steps,
            # The live workbook through the export framework (a township's is built at once).
            "export_kind": "township_half_year",
            "export_params": [("year", report.year), ("half", report.half), ("township", report.township_id)],
            "export_label": "下载最新统计表",
        },
    )


def report_workbook(request, pk):
    """The workbook exactly as it was submitted (frozen with the report)."""
    _require_role(request.user)
    report = get_object_or_404(TownshipHalfYearReport.objects.visible_to(request.user), pk=pk)
    if not report.workbook:
        raise Http404
    with report.workbook.open("rb") as handle:
        return xlsx_response(handle.read(), report.workbook_name or f"{report}.xlsx")


@require_POST
def report_submit(request, pk):
    _require_role(request.user)
    report = get_object_or_404(TownshipHalfYearReport.objects.visible_to(request.user), pk=pk)
    try:
        report_service.submit_report(actor=request.user, report=report)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, "已报送县委组织部。")
    return redirect(report)


urlpatterns = [
    path("reports/", report_list, name="report_list"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", report_submit, name="report_submit"),
    path("reports/<int:pk>/workbook.xlsx", report_workbook, name="report_workbook"),
    path("reports/<int:township_id>/<int:year>-<int:half>/edit/", report_edit, name="report_edit"),
]
