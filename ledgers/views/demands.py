"""Demand pages: the list with the resolution rate, publish/edit (phone-first), the detail page
with claims, suggestions and each role's actions, a talent's "可认领" list, the daily summary.
Every query starts from `visible_to(request.user)`; out of scope is 404."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core.refusals import add_errors, flash_refusal
from pairing.core.views import filtered_page
from pairing.models import Township, UrbanTalent, Village
from pairing.redirects import next_url
from pairing.roles import has_role, sees_many_counties
from pairing.views.home import Panel, PanelItem, panel_provider

from .. import queries
from ..choices import ClaimStatus, DemandStatus
from ..filtersets import DemandFilterSet
from ..forms.demands import CloseForm, DemandForm, ResolveForm
from ..models import Demand, DemandClaim
from ..models.demands import OPEN_STATUSES
from ..services import demands as demand_service
from ..services.demand_matching import suggest_talents
from ..services.demand_stats import daily_summary, resolution_rate, resolution_rates, summary_day, total_of, year_bounds

CLAIMANT_ROLES = (Role.TALENT, Role.UNIT_LIAISON)
ORDERINGS = {"published_at", "-published_at", "due_date", "-due_date", "status", "village__code"}


def _rate_level(user) -> str | None:
    """The breakdown under the headline: townships for the county, villages below it."""
    if user.is_superuser or user.role == Role.COUNTY_ADMIN:
        return "county" if sees_many_counties(user) else "township"
    if user.role == Role.VILLAGE_SECRETARY:
        return None
    return "village"


def _year(request) -> tuple[int, str]:
    """The year asked for, and a message when the `year` parameter is not one (this year is shown)."""
    value = request.GET.get("year", "").strip()
    today = timezone.localdate()
    if not value:
        return today.year, ""
    if value.isascii() and value.isdigit() and 2000 <= int(value) <= today.year:
        return int(value), ""
    return today.year, f"年度应为 2000 至 {today.year} 之间的四位数字，已显示{today.year}年。"


def demand_list(request):
    user = request.user
    ordering = request.GET.get("ordering", "")
    listing = filtered_page(
        request,
        DemandFilterSet,
        queries.demands(user),
        ordering=(ordering, "-pk") if ordering in ORDERINGS else ("-published_at", "-pk"),
    )
    return render(
        request,
        "ledgers/demands/list.html",
        {
            **listing,
            "today": timezone.localdate(),
            "export_kind": "demands",
            "export_params": [(k, v) for k, values in request.GET.lists() if k != "page" for v in values],
            "can_publish": bool(user.village_id) and demand_service.WORKFLOW.may("publish", user.village, user),
        },
    )


def rates(request):
    """The year's resolution rate (seed 003's headline) and, below the village level, its breakdown
    lowest first. Its own page: a city's year is 45,000 demands to group, which the list need not wait for."""
    user = request.user
    year, year_error = _year(request)
    start, end = year_bounds(year)
    scoped = Demand.objects.visible_to(user)
    level = _rate_level(user)
    breakdown = resolution_rates(scoped, start, end, level) if level else []
    return render(
        request,
        "ledgers/demands/rates.html",
        {
            "today": timezone.localdate(),
            "year": year,
            "year_error": year_error,
            "year_typed": request.GET.get("year", "") if year_error else year,
            "headline": total_of(breakdown) if level else resolution_rate(scoped, start, end),
            "breakdown": breakdown,
            "level": level,
            "level_label": {"county": "县（区）", "township": "乡镇", "village": "村（社区）"}.get(level or "", ""),
        },
    )


def _village_for_publishing(user) -> Village:
    village = Village.objects.visible_to(user).filter(pk=user.village_id).first() if user.village_id else None
    demand_service.WORKFLOW.require_role("publish", village or Village(), user)
    return village


def demand_create(request):
    village = _village_for_publishing(request.user)
    form = DemandForm(request.POST or None, user=request.user, village=village)
    if request.method == "POST" and form.is_valid():
        try:
            demand = demand_service.publish_demand(actor=request.user, village=village, data=form.demand_input())
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "需求已发布，本村服务的城市人才和结对单位可以认领。")
            return redirect(demand)
    return render(request, "ledgers/demands/form.html", {"form": form, "village": village, "creating": True})


def demand_edit(request, pk):
    demand = get_object_or_404(queries.demands(request.user), pk=pk)
    demand_service.WORKFLOW.require_role("edit", demand, request.user)
    form = DemandForm(
        request.POST or None,
        user=request.user,
        village=demand.village,
        demand=demand,
        initial=DemandForm.initial_from(demand),
    )
    if request.method == "POST" and form.is_valid():
        try:
            demand_service.update_demand(actor=request.user, demand=demand, data=form.demand_input())
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(demand)
    return render(request, "ledgers/demands/form.html", {"form": form, "village": demand.village, "demand": demand})


def demand_detail(request, pk):
    user = request.user
    demand = get_object_or_404(
        queries.demands(user)
        .select_related("served_by", "published_by", "agreement_item__agreement")
        .prefetch_related(Prefetch("claims", DemandClaim.objects.select_related("talent__unit", "unit", "claimed_by"))),
        pk=pk,
    )
    claims = list(demand.claims.all())
    actions = demand_service.allowed_actions(user, demand)
    context = {
        "demand": demand,
        "claims": claims,
        "active_claims": [c for c in claims if c.status in (ClaimStatus.ACTIVE, ClaimStatus.COMPLETED)],
        "own_claim": demand_service.own_claim(user, demand),
        "overdue": demand.is_overdue(),
        "actions": actions,
        "steps": demand_service.WORKFLOW.steps,
        "suggestions": suggest_talents(demand, user) if "invite" in actions or _suggesting(user, demand) else None,
    }
    if "resolve" in actions:
        context["resolve_form"] = ResolveForm(user=user, demand=demand)
    if "close" in actions:
        context["close_form"] = CloseForm()
    return render(request, "ledgers/demands/detail.html", context)


def _suggesting(user, demand) -> bool:
    """Township and county staff see who would fit an open demand (the village also invites them)."""
    return demand.accepts_claims and has_role(user, Role.TOWNSHIP_OFFICER, Role.COUNTY_ADMIN)


def _back(request, demand):
    return redirect(next_url(request, demand))


DONE = {
    "claim": "认领成功，请按时线下服务；服务后可在“登记活动”中记录。",
    "withdraw": "已撤回认领。",
    "start": "已标记开始办理。",
    "resolve": "已标记为已解决。",
    "close": "已关闭（未解决），原因已记录。",
}


@require_POST
def demand_action(request, pk, action):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    user = request.user
    try:
        if action == "claim":
            demand_service.claim_demand(actor=user, demand=demand)
        elif action == "withdraw":
            demand_service.withdraw_claim(actor=user, demand=demand)
        elif action == "start":
            demand_service.start_demand(actor=user, demand=demand)
        elif action == "resolve":
            form = ResolveForm(request.POST, user=user, demand=demand)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            demand_service.resolve_demand(
                actor=user, demand=demand, outcome=form.cleaned_data["outcome"], activity=form.cleaned_data["activity"]
            )
        elif action == "close":
            demand_service.close_demand(actor=user, demand=demand, reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, DONE[action])
    return _back(request, demand)


@require_POST
def demand_invite(request, pk):
    demand = get_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
    talent = get_object_or_404(UrbanTalent.objects.visible_to(request.user), pk=request.POST.get("talent") or 0)
    try:
        demand_service.invite_talent(actor=request.user, demand=demand, talent=talent)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, f"已向{talent.name}发送认领邀请。")
    return redirect(demand)


def claimable(request):
    """The talent's phone page: what they may claim (one tap each) and what they have claimed."""
    user = request.user
    if not has_role(user, *CLAIMANT_ROLES):
        raise PermissionDenied("此页面供城市人才和结对单位联络员认领需求。")
    return render(
        request,
        "ledgers/demands/claimable.html",
        {"demands": queries.claimable_demands(user), "claims": queries.my_claims(user), "today": timezone.localdate()},
    )


def daily(request):
    """日汇总、日研判: the day's new, unclaimed and overdue demands per village and per unit."""
    today = timezone.localdate()
    day = summary_day(request.GET.get("day"), today)
    summary = daily_summary(day, request.user)
    return render(
        request,
        "ledgers/demands/daily.html",
        {
            "summary": summary,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1) if day < today else None,
            "show_townships": Township.objects.visible_to(request.user).count() > 1,
            "export_kind": "demand_daily",
            "export_params": [("day", day.isoformat())],
        },
    )


@panel_provider
def demand_panel(request) -> Panel | None:
    """Talents and liaisons: open claims and demands to claim; secretaries: unclaimed and overdue."""
    user = request.user
    list_url = reverse("ledgers:demand_list")
    if has_role(user, *CLAIMANT_ROLES):
        items = [
            PanelItem("我的在办认领", queries.my_claims(user).count(), reverse("ledgers:demand_claimable")),
            PanelItem("可认领的需求", queries.claimable_demands(user).count(), reverse("ledgers:demand_claimable")),
        ]
        return Panel("需求认领", items, order=20, style="counts")
    if user.role == Role.VILLAGE_SECRETARY:
        scoped = Demand.objects.visible_to(user)
        today = timezone.localdate()
        items = [
            PanelItem(
                "待认领需求", scoped.filter(status=DemandStatus.PUBLISHED).count(), f"{list_url}?status=published"
            ),
            PanelItem(
                "已逾期需求",
                scoped.filter(status__in=OPEN_STATUSES, due_date__lt=today).count(),
                f"{list_url}?overdue=true",
            ),
        ]
        return Panel("本村需求", items, order=20, style="counts")
    return None


urlpatterns = [
    path("demands/", demand_list, name="demand_list"),
    path("demands/new/", demand_create, name="demand_create"),
    path("demands/claimable/", claimable, name="demand_claimable"),
    path("demands/daily/", daily, name="demand_daily"),
    path("demands/rates/", rates, name="demand_rates"),
    path("demands/<int:pk>/", demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", demand_edit, name="demand_edit"),
    path("demands/<int:pk>/invite/", demand_invite, name="demand_invite"),
    re_path(
        r"^demands/(?P<pk>\d+)/(?P<action>claim|withdraw|start|resolve|close)/$", demand_action, name="demand_action"
    ),
]
