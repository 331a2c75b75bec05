"""Month pages: the village's month ledger (with submit), the township's queue, print and Excel."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core import audit
from pairing.core.refusals import flash_refusal, refusal_text
from pairing.core.views import filtered_page
from pairing.core.workbooks import xlsx_response
from pairing.exceptions import StaleVersionError
from pairing.models import Village
from pairing.views.home import Panel, PanelItem, panel_provider

from .. import queries, services
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
    user = request.user
    queryset = (
        LedgerMonth.objects.visible_to(user)
        .filter(status=MonthStatus.SUBMITTED)
        .select_related("village__township", "submitted_by")
    )
    listing = filtered_page(request, LedgerMonthFilterSet, queryset, ordering=("month", "village__code"), per_page=30)

    def step_allowed(row):
        return services.months.WORKFLOW.may("confirm", row, user)

    return render(
        request,
        "ledgers/month_queue.html",
        {
            **listing,
            "confirm_step": services.months.WORKFLOW["confirm"],
            # Ticks only where this user may confirm (a county admin reads the queue but does not confirm).
            "confirmable": {row.pk for row in listing["page_obj"] if step_allowed(row)},
        },
    )


@require_POST
def month_confirm_many(request):
    """Confirm the months ticked in the queue, each on its own; say which were refused and why."""
    versions = {}
    for value in request.POST.getlist("months"):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    if not versions:
        messages.error(request, "请先勾选要确认的月度台账。")
        return redirect("ledgers:month_queue")
    outcome = services.confirm_months(actor=request.user, versions=versions)
    if outcome.confirmed:
        names = "、".join(f"{row.village.name}{month_label(row.month)}" for row in outcome.confirmed)
        messages.success(request, f"已确认 {len(outcome.confirmed)} 个月度台账：{names}。")
    if outcome.refused:
        messages.error(request, f"以下 {len(outcome.refused)} 个月度台账未确认，请逐个查看：")
        for name, exc in outcome.refused:
            messages.error(request, f"{name}：{refusal_text(exc)}")
    return redirect("ledgers:month_queue")


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


@panel_provider
def month_panel(request) -> Panel | None:
    """Home page: the township is told about the months waiting for it; the village about its month."""
    user = request.user
    if user.role == Role.TOWNSHIP_OFFICER:
        waiting = queries.months_awaiting_confirmation(user)
        count = waiting.count()
        if not count:
            return Panel("月度台账待办", [], order=12, empty_text="没有待确认的月度台账。")
        queue = reverse("ledgers:month_queue")
        items = [PanelItem("待确认的月度台账", f"{count} 个", queue, note="村已报送，请核对后确认（可一次确认多个）")]
        items += [PanelItem(f"{row.village.name}{row.label}", "查看", row.get_absolute_url()) for row in waiting[:5]]
        return Panel("月度台账待办", items, order=12)
    if user.role == Role.VILLAGE_SECRETARY and user.village_id:
        row = month_row(user.village, current_month())
        pending = queries.activities_to_review(user).count()
        items = [
            PanelItem(f"{month_label(row.month)}台账", row.get_status_display(), reverse("ledgers:home")),
            PanelItem(
                "待确认的活动", f"{pending} 条", reverse("ledgers:pending"), note="人才或单位登记的活动，确认后计入台账"
            ),
            PanelItem("登记一次活动", "登记活动", reverse("ledgers:activity_create")),
        ]
        return Panel("本村台账待办", items, order=12)
    return None


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
