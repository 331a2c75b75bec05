"""Roster import pages: download a template, check a file (dry run), import it (all or nothing)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from pairing import roles
from pairing.core.refusals import add_errors
from pairing.core.workbooks import xlsx_response
from pairing.roster import KINDS
from pairing.services import imports as import_service

from ..forms.imports import RosterUploadForm


def _require_importer(request) -> None:
    if not roles.is_county_admin(request.user):
        raise Http404


def _kind(code):
    if code not in KINDS:
        raise Http404
    return KINDS[code]


def import_home(request):
    _require_importer(request)
    return render(request, "pairing/imports/home.html", {"kinds": KINDS.values()})


def import_template(request, kind):
    _require_importer(request)
    spec = _kind(kind)
    return xlsx_response(import_service.template_workbook(kind), f"{spec.label}花名册导入模板.xlsx")


def import_upload(request, kind):
    _require_importer(request)
    spec = _kind(kind)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        commit = request.POST.get("action") == "commit"
        try:
            if commit:
                result = import_service.commit_import(actor=request.user, kind=kind, upload=upload)
            else:
                result = import_service.dry_run(actor=request.user, kind=kind, upload=upload)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, ValidationError({"file": exc.messages if hasattr(exc, "messages") else [str(exc)]}))
        else:
            if result.errors:
                rejected = import_service.save_rejected(actor=request.user, result=result)
                messages.error(request, f"有 {len(result.bad_rows)} 行未通过校验，未导入任何数据。")
            elif result.committed:
                messages.success(request, f"已导入 {result.rows} 行：新增 {result.created}，更新 {result.updated}。")
            else:
                messages.info(
                    request,
                    f"校验通过：将新增 {result.created} 行，更新 {result.updated} 行。请重新选择文件并点击“导入”。",
                )
    return render(
        request,
        "pairing/imports/upload.html",
        {"form": form, "kind": spec, "result": result, "rejected": rejected},
    )


urlpatterns = [
    path("imports/", import_home, name="import_home"),
    path("imports/<slug:kind>/", import_upload, name="import_upload"),
    path("imports/<slug:kind>/template.xlsx", import_template, name="import_template"),
]
