"""The dashboard page (county, township, unit): charts with their figures as tables and as Excel."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pairing.choices import Role
from pairing.core import audit
from pairing.core.filtering import parse_id
from pairing.core.workbooks import Column, GovSheet, new_workbook, scope_name, to_bytes, unit_line, xlsx_response
from pairing.models import County
from pairing.roles import sees_many_counties

from .. import dashboard

DASHBOARD_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER, Role.UNIT_LIAISON)


def _require(user) -> None:
    if not (user.is_authenticated and (user.is_superuser or user.role in DASHBOARD_ROLES)):
        raise Http404


def _lens(request) -> tuple[dashboard.Lens, list, County | None]:
    """A city-wide user's charts go by county until `?county=` picks one (then by its townships);
    everyone else's by township. Returns the lens, the counties to switch between, the chosen one."""
    if not sees_many_counties(request.user):
        return dashboard.TOWNSHIPS, [], None
    counties = list(County.objects.visible_to(request.user).order_by("code"))
    chosen = next((c for c in counties if c.pk == parse_id(request.GET.get("county"))), None)
    if chosen is None:
        return dashboard.Lens("county"), counties, None
    return dashboard.Lens("township", chosen.pk), counties, chosen


def _unit(user, counties, chosen) -> str:
    """Whose figures these are: the chosen county, the whole city, or the user's own area."""
    if chosen is not None:
        return chosen.name
    return "全市" if counties else scope_name(user)


def dashboard_page(request):
    _require(request.user)
    lens, counties, chosen = _lens(request)
    charts = dashboard.charts(request.user, timezone.localdate(), lens)
    query = f"?county={chosen.pk}" if chosen else ""
    items = [
        {"chart": c, "option": c.option(), "excel": reverse("reports:dashboard_excel", args=[c.code]) + query}
        for c in charts
    ]
    return render(
        request,
        "assessment/dashboard.html",
        {
            "items": items,
            "unit": _unit(request.user, counties, chosen),
            "counties": counties,
            "chosen": chosen,
            "scores_pending": not any(c.code == "score_distribution" for c in charts),
        },
    )


def chart_workbook(chart, unit: str) -> bytes:
    book = new_workbook()
    kind = "percent" if chart.percent else "int"
    sheet = GovSheet(
        book,
        chart.title,
        title=chart.title,
        subtitle=unit_line(unit),
        columns=[Column("项目", width=16), *(Column(c, kind) for c in chart.categories)],
    )
    for name, *values in chart.rows:
        sheet.row((name, *((v / 100 if chart.percent and v is not None else v) for v in values)))
    return to_bytes(book)


def dashboard_excel(request, code):
    _require(request.user)
    lens, counties, chosen = _lens(request)
    chart = dashboard.chart(request.user, timezone.localdate(), code, lens)
    if chart is None:
        raise Http404
    unit = _unit(request.user, counties, chosen)
    audit.record(
        action="export", actor=request.user, object_type="assessment.dashboard", message=f"导出{chart.title}（Excel）"
    )
    return xlsx_response(chart_workbook(chart, unit), f"{unit}{chart.title}.xlsx")
