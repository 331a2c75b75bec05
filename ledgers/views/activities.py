"""Activity pages: record (phone-first), list, detail, edit, delete, confirm/reject, photos."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core.filtering import parse_id
from pairing.core.refusals import add_errors, flash_refusal
from pairing.core.views import filtered_page
from pairing.models import TalentAssignment, Village
from pairing.redirects import next_url
from pairing.views.home import Panel, PanelItem, panel_provider

from .. import queries, services
from ..choices import ActivityStatus
from ..filtersets import ServiceActivityFilterSet
from ..forms.activities import ActivityForm, ReasonForm
from ..models import ActivityPhoto, ServiceActivity
from ..periods import current_month, format_month, month_label, month_range

LIST_RELATED = ("village__township", "recorded_by")
LIST_PREFETCH = ("participants__talent", "participants__unit", "photos")


def _activities(user):
    return ServiceActivity.objects.visible_to(user).select_related(*LIST_RELATED).prefetch_related(*LIST_PREFETCH)


def activity_list(request):
    listing = filtered_page(request, ServiceActivityFilterSet, _activities(request.user), ordering=("-date", "-pk"))
    return render(
        request,
        "ledgers/activity_list.html",
        {
            **listing,
            "can_record": services.activities.WORKFLOW.may("record", None, request.user),
        },
    )


def _recording_village(request):
    """The village a new activity is for: the secretary's, the talent's this year, or a chosen one."""
    user = request.user
    if user.role == Role.VILLAGE_SECRETARY:
        return user.village, None
    if user.role == Role.TALENT:
        assignment = (
            TalentAssignment.objects.visible_to(user)
            .filter(talent_id=user.talent_id, year=timezone.localdate().year)
            .select_related("village")
            .first()
        )
        if assignment is None:
            raise PermissionDenied("您本年度尚未分配服务村，暂不能登记服务。")
        return assignment.village, None
    villages = Village.objects.visible_to(user).order_by("code")
    chosen = parse_id(request.GET.get("village") or request.POST.get("village"))
    if chosen is not None:
        return get_object_or_404(villages, pk=chosen), villages
    if villages.count() == 1:
        return villages.first(), villages
    return None, villages


def activity_create(request):
    services.activities.WORKFLOW.require_role("record", None, request.user)
    village, choices = _recording_village(request)
    if village is None:
        return render(request, "ledgers/activity_choose_village.html", {"villages": choices})
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user, village=village)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(
                actor=request.user, village=village, data=form.activity_input(), photos=form.cleaned_data["photos"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            if activity.status == ActivityStatus.CONFIRMED:
                messages.success(request, "活动已登记并计入本月台账。")
            else:
                messages.success(request, "服务已登记，待村党组织确认后计入台账。")
            return redirect(activity)
    return render(
        request,
        "ledgers/activity_form.html",
        {"form": form, "village": village, "creating": True},
    )


def activity_detail(request, pk):
    activity = get_object_or_404(_activities(request.user), pk=pk)
    actions = services.activities.allowed_actions(request.user, activity)
    return render(
        request,
        "ledgers/activity_detail.html",
        {
            "activity": activity,
            "actions": actions,
            "can_change": "edit" in actions,
            "can_review": "confirm" in actions,
            "steps": services.activities.WORKFLOW.steps,
            "reason_form": ReasonForm(),
            "month_url": reverse("ledgers:month_ledger", args=[activity.village_id, format_month(activity.month)]),
        },
    )


def activity_edit(request, pk):
    activity = get_object_or_404(_activities(request.user), pk=pk)
    initial = ActivityForm.initial_from(activity)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        village=activity.village,
        year=activity.date.year,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                actor=request.user, activity=activity, data=form.activity_input(), photos=form.cleaned_data["photos"]
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(activity)
    return render(
        request,
        "ledgers/activity_form.html",
        {"form": form, "village": activity.village, "activity": activity},
    )


def _post_action(request, pk, run, success: str):
    activity = get_object_or_404(ServiceActivity.objects.visible_to(request.user), pk=pk)
    try:
        run(activity)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, success)
    return activity


@require_POST
def activity_delete(request, pk):
    activity = _post_action(
        request, pk, lambda a: services.delete_activity(actor=request.user, activity=a), "活动已删除。"
    )
    if _activities(request.user).filter(pk=activity.pk).exists():
        return redirect(activity)
    return redirect("ledgers:activity_list")


@require_POST
def activity_confirm(request, pk):
    _post_action(request, pk, lambda a: services.confirm_activity(actor=request.user, activity=a), "已确认。")
    return redirect(next_url(request, "ledgers:pending"))


@require_POST
def activity_reject(request, pk):
    reason = request.POST.get("reason", "")
    _post_action(
        request,
        pk,
        lambda a: services.reject_activity(actor=request.user, activity=a, reason=reason),
        "已退回，记录人会看到退回原因。",
    )
    return redirect(next_url(request, "ledgers:pending"))


@require_POST
def photo_add(request, pk):
    activity = get_object_or_404(ServiceActivity.objects.visible_to(request.user), pk=pk)
    uploads = request.FILES.getlist("photos")
    try:
        services.add_photos(actor=request.user, activity=activity, uploads=uploads)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, f"已上传 {len(uploads)} 张照片。")
    return redirect(activity)


@require_POST
def photo_delete(request, pk):
    photo = get_object_or_404(ActivityPhoto.objects.visible_to(request.user).select_related("activity"), pk=pk)
    try:
        services.delete_photo(actor=request.user, photo=photo)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    return redirect(photo.activity)


def photo_file(request, pk, size):
    """Serve a photo through the scope check; stored names carry image extensions only."""
    photo = get_object_or_404(ActivityPhoto.objects.visible_to(request.user), pk=pk)
    field = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.image
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def pending(request):
    """The village's queue of activities recorded by talents or the unit, waiting for it, oldest
    first, a page at a time (a county has hundreds waiting; a city thousands)."""
    queryset = _activities(request.user).filter(status=ActivityStatus.PENDING)
    listing = filtered_page(request, ServiceActivityFilterSet, queryset, ordering=("date", "pk"))
    # Everything in the queue is pending; the village's secretary reviews all of it, others none.
    first = queryset.first()
    can_review = first is not None and services.activities.WORKFLOW.may("confirm", first, request.user)
    return render(
        request,
        "ledgers/pending.html",
        {**listing, "can_review": can_review, "reason_form": ReasonForm()},
    )


def my_services(request):
    """A talent's own service history, with pending and rejected records first."""
    user = request.user
    if user.role != Role.TALENT:
        raise PermissionDenied("此页面仅供城市人才查看本人服务记录。")
    own = _activities(user).filter(participants__talent=user.talent_id).order_by("-date", "-pk")
    waiting = list(own.exclude(status=ActivityStatus.CONFIRMED))
    year = timezone.localdate().year
    year_totals = queries.own_service_totals(user, year)
    page = Paginator(own.filter(status=ActivityStatus.CONFIRMED), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "ledgers/my_services.html",
        {"waiting": waiting, "page_obj": page, "year": year, "year_totals": year_totals},
    )


@panel_provider
def talent_month_panel(request) -> Panel | None:
    """Home page: the talent's month (the rule asks for one confirmed service a month) and the way to record."""
    user = request.user
    if user.role != Role.TALENT or not user.talent_id:
        return None
    first = current_month()
    mine = queries.own_services_in(user, *month_range(first))
    confirmed = mine.filter(status=ActivityStatus.CONFIRMED).count()
    waiting = mine.filter(status=ActivityStatus.PENDING).count()
    services_url = reverse("ledgers:my_services")
    items = [
        PanelItem(
            f"{month_label(first)}已确认的服务", f"{confirmed} 次", services_url, note="每月至少参加 1 次服务活动"
        ),
        PanelItem("等村里确认的服务", f"{waiting} 条", services_url),
        PanelItem("服务后登记", "登记服务", reverse("ledgers:activity_create")),
    ]
    return Panel("本月服务待办", items, order=12)
