"""Quarterly evaluation pages: the village rates its talents, the township forwards, the unit reads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.choices import Role
from pairing.core.filtering import parse_id
from pairing.core.refusals import add_errors, flash_refusal
from pairing.core.views import filtered_page
from pairing.models import TalentAssignment, UrbanTalent, Village
from pairing.redirects import next_url
from pairing.roles import has_role

from .. import queries
from ..filtersets import TalentEvaluationFilterSet
from ..forms.meetings import EvaluationForm
from ..models import TalentEvaluation
from ..periods import quarter_label, quarter_of
from ..services import evaluations as evaluation_service


def _evaluations(user):
    """One evaluation with who rated and forwarded it (the list shows neither: joining both users
    into a county's 17,000 rows doubled the list's query)."""
    return queries.evaluations(user).select_related("evaluated_by", "forwarded_by")


def _year_quarter(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or request.POST.get("quarter") or quarter_of(today))
    except ValueError:
        raise Http404 from None
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404
    return year, quarter


def evaluation_list(request):
    listing = filtered_page(
        request,
        TalentEvaluationFilterSet,
        queries.evaluations(request.user),
        ordering=("-year", "-quarter", "village__code", "talent__name"),
        per_page=30,
        hidden_filters=("talent",),  # a county's talents would be thousands of options
    )
    return render(
        request,
        "ledgers/evaluations/list.html",
        {
            **listing,
            "can_forward": has_role(request.user, Role.TOWNSHIP_OFFICER),
            "steps": evaluation_service.WORKFLOW.steps,
            "is_village": has_role(request.user, Role.VILLAGE_SECRETARY),
        },
    )


def evaluation_quarter(request):
    """The village's worksheet for one quarter: every talent serving it, rated or not yet."""
    user = request.user
    evaluation_service.WORKFLOW.require_role("rate", user.village or Village(), user)
    year, quarter = _year_quarter(request)
    assignments = (
        TalentAssignment.objects.visible_to(user)
        .filter(village_id=user.village_id, year=year)
        .select_related("talent__unit")
        .order_by("talent__name")
    )
    rated = {
        e.talent_id: e
        for e in TalentEvaluation.objects.visible_to(user).filter(
            village_id=user.village_id, year=year, quarter=quarter
        )
    }
    rows = [(a.talent, rated.get(a.talent_id)) for a in assignments]
    return render(
        request,
        "ledgers/evaluations/quarter.html",
        {"rows": rows, "year": year, "quarter": quarter, "label": quarter_label(year, quarter)},
    )


def evaluation_create(request):
    user = request.user
    evaluation_service.WORKFLOW.require_role("rate", user.village or Village(), user)
    year, quarter = _year_quarter(request)
    talent_id = parse_id(request.GET.get("talent") or request.POST.get("talent"))
    if talent_id is None:
        raise Http404
    talent = get_object_or_404(UrbanTalent.objects.visible_to(user), pk=talent_id)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_service.record_evaluation(
                actor=user,
                talent=talent,
                village=user.village,
                year=year,
                quarter=quarter,
                data=form.evaluation_input(),
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存评定，乡镇党委汇总后转送人才所在单位。")
            return redirect(
                f"{reverse('ledgers:evaluation_quarter')}?year={evaluation.year}&quarter={evaluation.quarter}"
            )
    return render(
        request,
        "ledgers/evaluations/form.html",
        {"form": form, "talent": talent, "label": quarter_label(year, quarter), "year": year, "quarter": quarter},
    )


def evaluation_detail(request, pk):
    evaluation = get_object_or_404(_evaluations(request.user), pk=pk)
    actions = evaluation_service.allowed_actions(request.user, evaluation)
    return render(
        request,
        "ledgers/evaluations/detail.html",
        {
            "evaluation": evaluation,
            "can_change": "change" in actions,
            "can_forward": "forward" in actions,
            "steps": evaluation_service.WORKFLOW.steps,
        },
    )


def evaluation_edit(request, pk):
    evaluation = get_object_or_404(_evaluations(request.user), pk=pk)
    initial = {"rating": evaluation.rating, "score": evaluation.score, "comment": evaluation.comment}
    form = EvaluationForm(request.POST or None, initial=initial, changing=True)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_service.change_evaluation(
                actor=request.user,
                evaluation=evaluation,
                data=form.evaluation_input(),
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已修改评定。")
            return redirect(evaluation)
    return render(
        request,
        "ledgers/evaluations/form.html",
        {"form": form, "talent": evaluation.talent, "label": evaluation.period_label, "evaluation": evaluation},
    )


@require_POST
def evaluation_forward(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk is not None]
    if not ids:
        messages.error(request, "请选择要转送的评定。")
        return redirect(next_url(request, "ledgers:evaluation_list"))
    chosen = list(_evaluations(request.user).filter(pk__in=ids))
    if len(chosen) != len(set(ids)):
        raise Http404
    try:
        count = evaluation_service.forward_evaluations(actor=request.user, evaluations=chosen)
    except (ValidationError, PermissionDenied) as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, f"已转送 {count} 条评定至人才所在单位。")
    return redirect(next_url(request, "ledgers:evaluation_list"))


urlpatterns = [
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/quarter/", evaluation_quarter, name="evaluation_quarter"),
    path("evaluations/new/", evaluation_create, name="evaluation_create"),
    path("evaluations/forward/", evaluation_forward, name="evaluation_forward"),
    path("evaluations/<int:pk>/", evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", evaluation_edit, name="evaluation_edit"),
]
