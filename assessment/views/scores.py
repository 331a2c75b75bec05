"""Score pages: the quarters (run, confirm, publish), rankings with export, a subject's explanation,
and the printable public notice (张榜公示)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ledgers.periods import quarter_label, quarter_of
from pairing import roles
from pairing.core.filtering import parse_id
from pairing.core.local_time import today
from pairing.core.refusals import attempt
from pairing.models import County, CountyUnit, Township, Village

from .. import queries
from ..choices import SubjectType
from ..forms import RollupRunForm
from ..services import rollup as rollup_service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request):
    """The quarters of the county with their state; a talent goes straight to their latest score."""
    user = request.user
    if user.role == "talent" and user.talent_id:
        latest = queries.scores(user, subject_type=SubjectType.TALENT).order_by("-year", "-quarter")
        latest = latest.first()
        if latest is not None:
            return redirect(latest.get_absolute_url())
    day = today()
    form = RollupRunForm(initial={"year": day.year, "quarter": max(quarter_of(day) - 1, 1)})
    return render(
        request,
        "assessment/home.html",
        {
            "rollups": queries.rollups(user).order_by("-year", "-quarter"),
            "form": form,
            "is_county": roles.is_county_admin(user, user.county_id) and user.county_id,
        },
    )


@require_POST
def rollup_run(request):
    form = RollupRunForm(request.POST)
    county = County.objects.visible_to(request.user).filter(pk=request.user.county_id).first()
    if not form.is_valid() or county is None:
        messages.error(request, "请填写正确的年度和季度。")
        return redirect("assessment:home")
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    rollup = attempt(
        request,
        lambda: rollup_service.run_rollup(actor=request.user, county=county, year=year, quarter=quarter),
        f"{quarter_label(year, quarter)}积分已计算。",
    )
    return redirect(rollup.get_absolute_url() if rollup else "assessment:home")


def rollup_detail(request, pk):
    rollup = get_object_or_404(queries.rollups(request.user), pk=pk)
    summary = {
        t.value: queries.scores(request.user, subject_type=t.value).filter(rollup=rollup).order_by("rank_county")[:5]
        for t in SubjectType
    }
    return render(
        request,
        "assessment/rollup_detail.html",
        {
            "rollup": rollup,
            "buttons": rollup_service.WORKFLOW.buttons(rollup, request.user),
            "summary": [(SubjectType(t).label, t, rows) for t, rows in summary.items()],
        },
    )


ACTIONS = {"recompute": None, "confirm": rollup_service.confirm_rollup, "publish": rollup_service.publish_rollup}


@require_POST
def rollup_action(request, pk, action):
    rollup = get_object_or_404(queries.rollups(request.user), pk=pk)
    if action not in ACTIONS:
        raise Http404
    if action == "recompute":
        attempt(
            request,
            lambda: rollup_service.run_rollup(
                actor=request.user, county=rollup.county, year=rollup.year, quarter=rollup.quarter
            ),
            "已重新计算。",
        )
    else:
        step = rollup_service.WORKFLOW[action]
        attempt(
            request,
            lambda: ACTIONS[action](actor=request.user, rollup=rollup, version=request.POST.get("version")),
            f"已{step.label}。",
        )
    return redirect(rollup.get_absolute_url())


def rankings(request):
    ranking = queries.ranking(request.user, request.GET)
    return render(
        request,
        "assessment/rankings.html",
        {
            "rollups": ranking.rollups,
            "rollup": ranking.rollup,
            "subject_type": ranking.subject_type,
            "subject_types": SubjectType.choices,
            "townships": Township.objects.visible_to(request.user).order_by("code"),
            "township": ranking.township,
            "rows": ranking.rows[:500],
            "export_kind": "rankings" if ranking.rollup else "",
            "export_params": [
                ("rollup", ranking.rollup.pk if ranking.rollup else ""),
                ("subject_type", ranking.subject_type),
                ("township", ranking.township or ""),
            ],
        },
    )


def score_detail(request, pk):
    score = get_object_or_404(queries.scores(request.user).select_related("rollup__county"), pk=pk)
    lines = [{**line, "rows": queries.events_behind(score, line["rule_code"])} for line in score.breakdown]
    return render(
        request,
        "assessment/score_detail.html",
        {"score": score, "lines": lines, "trend": queries.trend(request.user, score)},
    )


NOTICE_SUBJECTS = {"village": Village, "unit": CountyUnit, "township": Township}


def notice(request, pk):
    """A printable A4 notice of a published (or confirmed) quarter for a village, unit or township."""
    rollup = get_object_or_404(queries.rollups(request.user).exclude(state="computed"), pk=pk)
    kind = request.GET.get("kind", "village")
    model = NOTICE_SUBJECTS.get(kind)
    subject_id = parse_id(request.GET.get("id"))
    if model is None or subject_id is None:
        raise Http404
    subject = get_object_or_404(model.objects.visible_to(request.user), pk=subject_id)
    rows = queries.scores(request.user).filter(rollup=rollup)
    if kind == "village":
        rows = rows.filter(in_village=subject)
    elif kind == "unit":
        rows = rows.filter(in_unit=subject)
    else:
        rows = rows.filter(in_township=subject)
    days = parse_id(request.GET.get("days")) or 7
    return render(
        request,
        "assessment/notice.html",
        {
            "rollup": rollup,
            "subject": subject,
            "rows": rows.order_by("subject_type", "rank_county", "subject_name"),
            "days": min(days, 30),
            "place": request.GET.get("place", "")[:50] or "村（社区）党群服务中心公示栏",
        },
    )
