"""Month pages: the village's month ledger (with submit), the township's queue, print and Excel."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core import audit
from pairing.core.refusals import flash_refusal
from pairing.core.views import filtered_page
from pairing.core.workbooks import xlsx_response
from pairing.exceptions import StaleVersionError
from pairing.models import Village

from .. import services
from ..choices import ActivityStatus, MonthStatus
from ..exports import ledger_filename, ledger_workbook
from ..filtersets import LedgerMonthFilterSet
from ..ledger import ledger_rows, month_activities, month_row, totals
from ..models import LedgerMonth
from ..periods import current_month, format_month, month_label, month_range, month_start, parse_month


def _village_month(request, village_id, month):
    village = get_object_or_404(Village.objects.visible_to(request.user).select_related("township"), pk=village_id)
    try:
        return village, parse_month(month)
    except ValidationError:
        raise Http404 from None


def month_ledger(request, village_id, month):
    village, first = _village_month(request, village_id, month)
    row = month_row(village, first)
    activities = month_activities(request.user, village, first)
    start, end = month_range(first)
    pending_count = (
        village.activities.filter(date__gte=start, date__lt=end, status=ActivityStatus.PENDING).count()
        if request.user.role == Role.VILLAGE_SECRETARY
        else 0
    )
    previous = month_start(first - datetime.timedelta(days=1))
    following = month_range(first)[1]
    return render(
        request,
        "ledgers/month_ledger.html",
        {
            "village": village,
            "month": row,
            "month_param": format_month(first),
            "rows": ledger_rows(activities),
            "totals": totals(activities),
            "actions": services.months.WORKFLOW.buttons(row, request.user),
            "pending_count": pending_count,
            "previous_month": format_month(previous),
            "next_month": format_month(following) if following <= current_month() else "",
            "can_record": row.accepts_changes and request.user.role in (Role.VILLAGE_SECRETARY, Role.TALENT),
        },
    )


@require_POST
def month_action(request, village_id, month, action):
    village, first = _village_month(request, village_id, month)
    version = request.POST.get("version") or None
    reason = request.POST.get("reason", "")
    done = {"submit": "已报送乡镇。", "confirm": "已确认该月台账。", "reopen": "已退回村修改。", "lock": "已归档锁定。"}
    if action not in done:
        raise Http404
    try:
        with transaction.atomic():
            row = services.ensure_month(actor=request.user, village=village, month=first)
            if version is None:
                raise ValidationError("缺少版本号，请刷新页面后重试。")
            if action == "submit":
                services.submit_month(actor=request.user, ledger_month=row, version=version)
            elif action == "confirm":
                services.confirm_month(actor=request.user, ledger_month=row, version=version)
            elif action == "lock":
                services.lock_month(actor=request.user, ledger_month=row, version=version)
            else:
                services.reopen_month(actor=request.user, ledger_month=row, version=version, reason=reason)
    except (ValidationError, PermissionDenied, StaleVersionError) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, done[action])
    return redirect("ledgers:month_ledger", village.pk, format_month(first))


def month_list(request):
    """Every month row in scope, filterable; a township officer lands on the queue to confirm."""
    queryset = LedgerMonth.objects.visible_to(request.user).select_related("village__township", "submitted_by")
    listing = filtered_page(request, LedgerMonthFilterSet, queryset, ordering=("-month", "village__code"), per_page=30)
    township_months = []
    if request.user.role == Role.TOWNSHIP_OFFICER and request.user.township_id:
        # The township's month as one workbook (a sheet per village): the last three months.
        first = current_month()
        for _ in range(3):
            township_months.append((month_label(first), format_month(first)))
            first = month_start(first - datetime.timedelta(days=1))
    return render(
        request,
        "ledgers/month_list.html",
        {**listing, "title": "月度台账", "township_months": township_months},
    )


def month_queue(request):
    """The township's queue: submitted months waiting for its confirmation, oldest first."""
    queryset = (
        LedgerMonth.objects.visible_to(request.user)
        .filter(status=MonthStatus.SUBMITTED)
        .select_related("village__township", "submitted_by")
    )
    listing = filtered_page(request, LedgerMonthFilterSet, queryset, ordering=("month", "village__code"), per_page=30)
    return render(request, "ledgers/month_queue.html", listing)


def month_print(request, village_id, month):
    village, first = _village_month(request, village_id, month)
    row = month_row(village, first)
    activities = month_activities(request.user, village, first)
    return render(
        request,
        "ledgers/month_print.html",
        {"village": village, "month": row, "rows": ledger_rows(activities), "totals": totals(activities)},
    )


def month_export(request, village_id, month):
    """The month as 《"双结对双帮扶"工作台账》.xlsx: scoped like the page, audited."""
    village, first = _village_month(request, village_id, month)
    row = month_row(village, first)
    activities = month_activities(request.user, village, first)
    content = ledger_workbook(month=row, rows=ledger_rows(activities), totals=totals(activities))
    audit.record(
        action="export",
        actor=request.user,
        obj=row if row.pk else village,
        message=f"导出{village.name}{month_label(first)}工作台账（Excel）",
    )
    return xlsx_response(content, ledger_filename(village, first))


def home(request):
    """Where "工作台账" leads each role."""
    user = request.user
    if user.role == Role.VILLAGE_SECRETARY and user.village_id:
        return redirect("ledgers:month_ledger", user.village_id, format_month(current_month()))
    if user.role == Role.TOWNSHIP_OFFICER:
        return redirect("ledgers:month_queue")
    if user.role == Role.TALENT:
        return redirect("ledgers:my_services")
    return redirect("ledgers:activity_list")
