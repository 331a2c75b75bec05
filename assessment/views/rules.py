"""The rule table pages: everyone of the county reads it; county admins edit it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pairing import roles
from pairing.core.local_time import today
from pairing.core.refusals import attempt
from pairing.models import County

from ..choices import SubjectType
from ..forms import RuleForm, WeightsForm
from ..models import QuarterRollup, ScoringRule, ScoringWeights
from ..services import rules as rule_service


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today().year)
    except ValueError:
        year = today().year
    return year if 2000 <= year <= 2100 else today().year


def _county_admin(request) -> County:
    """The editor's county; anyone else is refused by the service's own rule before a form is shown."""
    county = County.objects.visible_to(request.user).filter(pk=request.user.county_id).first()
    if county is None or not rule_service.may_edit_rules(request.user, county.pk):
        raise PermissionDenied(rule_service.EDITOR_ONLY)
    return county


def rule_table(request):
    year = _year(request)
    rules = ScoringRule.objects.visible_to(request.user).filter(year=year)
    weights = {w.subject_type: w for w in ScoringWeights.objects.visible_to(request.user).filter(year=year)}
    sections = [
        (label, value, [r for r in rules if r.subject_type == value], weights.get(value))
        for value, label in SubjectType.choices
    ]
    stale = QuarterRollup.objects.visible_to(request.user).filter(year=year, stale=True).exists()
    return render(
        request,
        "assessment/rules.html",
        {
            "year": year,
            "sections": sections,
            "has_rules": bool(rules),
            "can_edit": roles.is_county_admin(request.user, request.user.county_id) and request.user.county_id,
            "stale": stale,
        },
    )


@require_POST
def start_year(request):
    county = _county_admin(request)
    year = _year(request)
    if request.POST.get("source") == "copy":
        call = lambda: rule_service.copy_previous_year(actor=request.user, county=county, year=year)  # noqa: E731
        done = f"已复制{year - 1}年度考核细则。"
    else:
        call = lambda: rule_service.install_default_table(actor=request.user, county=county, year=year)  # noqa: E731
        done = f"已采用默认考核细则作为{year}年度细则。"
    attempt(request, call, done)
    return redirect(f"{_table_url()}?year={year}")


def _table_url() -> str:
    return reverse("assessment:rules")


def rule_edit(request, pk=None):
    # Scope first (a row out of scope is 404 whoever asks), then the role.
    rule = get_object_or_404(ScoringRule.objects.visible_to(request.user), pk=pk) if pk else None
    county = _county_admin(request)
    year = rule.year if rule else _year(request)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.county, obj.year = county, year
        if attempt(
            request, lambda: rule_service.save_rule(actor=request.user, rule=obj), "考核细则已保存。", form=form
        ):
            return redirect(f"{_table_url()}?year={year}")
    return render(request, "assessment/rule_form.html", {"form": form, "rule": rule, "year": year})


@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(ScoringRule.objects.visible_to(request.user), pk=pk)
    _county_admin(request)
    attempt(request, lambda: rule_service.delete_rule(actor=request.user, rule=rule), "考核细则已删除。")
    return redirect(f"{_table_url()}?year={rule.year}")


def weights_edit(request, pk):
    weights = get_object_or_404(ScoringWeights.objects.visible_to(request.user), pk=pk)
    _county_admin(request)
    form = WeightsForm(request.POST or None, instance=weights)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if attempt(
            request, lambda: rule_service.save_weights(actor=request.user, weights=obj), "权重已保存。", form=form
        ):
            return redirect(f"{_table_url()}?year={weights.year}")
    if request.method == "POST" and not form.is_valid():
        messages.error(request, "请检查标红的字段。")
    return render(request, "assessment/weights_form.html", {"form": form, "weights": weights})
