"""Export pages: ask for an export, watch its progress bar, download the file until it expires."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from pairing.core import exports as registry
from pairing.core.refusals import flash_refusal
from pairing.core.workbooks import xlsx_response
from pairing.models import Export
from pairing.services import exports as export_service

# Form fields that are not the export's parameters.
RESERVED = {"csrfmiddlewaretoken", "kind"}


def _mine(request, pk) -> Export:
    return get_object_or_404(Export.objects.visible_to(request.user), pk=pk)


def status_payload(export: Export) -> dict:
    return {
        "id": export.pk,
        "kind": export.kind,
        "status": export.status,
        "status_display": export.get_status_display(),
        "progress": export.progress,
        "rows": export.rows,
        "error": export.error,
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
        "download_url": export.download_url() if export.is_downloadable else None,
    }


@require_POST
def export_start(request):
    kind = request.POST.get("kind", "")
    params = {
        k: (v if len(v) > 1 else v[0])
        for k, v in request.POST.lists()
        if k not in RESERVED and any(item != "" for item in v)
    }
    try:
        export = export_service.request_export(actor=request.user, kind=kind, params=params)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
        return redirect("pairing:export_list")
    return redirect(export)


def export_detail(request, pk):
    export = _mine(request, pk)
    kind = registry.get(export.kind)
    return render(
        request,
        "pairing/exports/detail.html",
        {"export": export, "label": kind.label if kind else export.kind, "payload": status_payload(export)},
    )


def export_status(request, pk):
    return JsonResponse(status_payload(_mine(request, pk)))


def export_download(request, pk):
    export = _mine(request, pk)
    if not export.is_downloadable:
        if export.status == "done":
            messages.warning(request, "下载链接已过期，请重新导出。")
            return redirect(export)
        raise Http404
    with export.file.open("rb") as handle:
        return xlsx_response(handle.read(), export.filename)


def export_list(request):
    exports = Export.objects.visible_to(request.user)[:50]
    labels = {code: kind.label for code, kind in registry.discover().items()}
    rows = [(e, labels.get(e.kind, e.kind)) for e in exports]
    return render(request, "pairing/exports/list.html", {"rows": rows})


urlpatterns = [
    path("exports/", export_list, name="export_list"),
    path("exports/new/", export_start, name="export_start"),
    path("exports/<int:pk>/", export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", export_status, name="export_status"),
    path("exports/<int:pk>/download/", export_download, name="export_download"),
]
