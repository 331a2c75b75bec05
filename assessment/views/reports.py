"""Report downloads: the half-year work report workbook (township or county) and a township's month.

Scoped like every page: the township must be visible to the user (else 404); villages, units and
talents have no reports. Each download is audited with its row count. The half-year workbook is
built by the export framework (assessment/exports_registry.py); its old GET link leads there.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from ledgers.periods import half_label, half_of, half_year_range, month_label, parse_month
from pairing.choices import Role
from pairing.core import audit
from pairing.core.filtering import parse_id
from pairing.core.workbooks import xlsx_response
from pairing.models import Township

from ..reports import township_month

REPORT_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER)


def require_report_role(user) -> None:
    if not (user.is_authenticated and (user.is_superuser or user.role in REPORT_ROLES)):
        raise Http404


def half_year_params(data, user) -> tuple[int, int, int | None]:
    """(year, half, township id or None) from a query string; a future half year is 404."""
    today = timezone.localdate()
    try:
        year = int(data.get("year") or today.year)
        half = int(data.get("half") or half_of(today))
    except (TypeError, ValueError):
        raise Http404 from None
    if not (2000 <= year <= 2100 and half in (1, 2)) or half_year_range(year, half)[0] > today:
        raise Http404
    township = parse_id(data.get("township"))
    if township is None and user.role == Role.TOWNSHIP_OFFICER:
        township = user.township_id
    if township is not None and not Township.objects.visible_to(user).filter(pk=township).exists():
        raise Http404
    return year, half, township


def half_year_export(request):
    """The old download link: the workbook is no longer built in a GET (a county's takes seconds).
    It leads to the half year's report list, whose button asks the export framework for it (a
    township's is built at once, the county's in the worker with a progress page)."""
    require_report_role(request.user)
    year, half, _township = half_year_params(request.GET, request.user)
    messages.info(request, f"请点击“导出”生成{half_label(year, half)}工作情况统计表，完成后即可下载。")
    return redirect(f"{reverse('ledgers:report_list')}?year={year}&half={half}")


def township_month_export(request, township_id, month):
    require_report_role(request.user)
    township = get_object_or_404(Township.objects.visible_to(request.user), pk=township_id)
    try:
        first = parse_month(month)
    except ValidationError:
        raise Http404 from None
    if first > timezone.localdate().replace(day=1):
        raise Http404
    content, villages = township_month.workbook(request.user, township, first)
    audit.record(
        action="export",
        actor=request.user,
        obj=township,
        message=f"导出{township.name}{month_label(first)}工作台账（{villages} 个村，Excel）",
    )
    return xlsx_response(content, township_month.filename(township, first))
