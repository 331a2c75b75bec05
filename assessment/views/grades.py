"""Annual grading pages: propose, review with the tie-breakers shown, change with a reason, confirm
(the quotas are checked), reopen with a reason, download the filing."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pairing import roles
from pairing.core import audit
from pairing.core.local_time import today
from pairing.core.refusals import attempt, flash_refusal
from pairing.core.workbooks import xlsx_response

from ..exports import filing_workbook
from ..forms import GradeChangeForm, ProposeForm, ReasonForm
from ..models import Grade, GradeFiling, GradingRound
from ..services import grading as grading_service


def grading_list(request):
    form = ProposeForm(request.POST or None, user=request.user, initial={"year": today().year - 1})
    if request.method == "POST" and form.is_valid():
        round_ = attempt(
            request,
            lambda: grading_service.propose(
                actor=request.user, group=form.cleaned_data["group"], year=form.cleaned_data["year"]
            ),
            "已按名额拟定年度等次，请逐一核对并列待定的人员。",
            form=form,
        )
        if round_:
            return redirect(round_.get_absolute_url())
    return render(
        request,
        "assessment/grading_list.html",
        {
            "rounds": GradingRound.objects.visible_to(request.user).select_related("group"),
            "grades": Grade.objects.visible_to(request.user)
            .select_related("round__group")
            .order_by("-round__year")[:50],
            "form": form,
            "is_county": roles.is_county_admin(request.user, request.user.county_id) and request.user.county_id,
        },
    )


def grading_detail(request, pk):
    round_ = get_object_or_404(GradingRound.objects.visible_to(request.user).select_related("group"), pk=pk)
    grades = Grade.objects.visible_to(request.user).filter(round=round_).select_related("talent__unit", "village")
    values = list(grades.values_list("grade", flat=True))
    return render(
        request,
        "assessment/grading_detail.html",
        {
            "round": round_,
            "grades": grades.order_by("position", "pk"),
            "buttons": grading_service.ROUND_WORKFLOW.buttons(round_, request.user),
            "can_change": grading_service.GRADE_WORKFLOW.may("change", Grade(round=round_), request.user),
            "problems": grading_service.quota_problems(round_.group, values),
            "quotas": grading_service.Quotas.of(round_.group, len(values)),
            "tie_breakers": grading_service.TIE_BREAKERS,
            "filings": GradeFiling.objects.visible_to(request.user).filter(round=round_),
            "counts": {label: values.count(value) for value, label in grading_service.GradeLevel.choices},
            "change_form": GradeChangeForm(),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
def grade_change(request, pk):
    grade = get_object_or_404(Grade.objects.visible_to(request.user).select_related("round"), pk=pk)
    form = GradeChangeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: grading_service.change_grade(
                actor=request.user,
                grade=grade,
                new_grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            ),
            f"已调整{grade.subject_name}的等次。",
        )
    else:
        flash_refusal(request, _form_error(form))
    return redirect(grade.round.get_absolute_url())


def _form_error(form):
    if "reason" in form.errors:
        return ValidationError("调整等次必须填写理由（不超过 200 字）。")
    return ValidationError("请选择优秀、良好或差。")


@require_POST
def grading_action(request, pk, action):
    round_ = get_object_or_404(GradingRound.objects.visible_to(request.user).select_related("group"), pk=pk)
    if action == "confirm":
        attempt(request, lambda: grading_service.confirm(actor=request.user, round_=round_), "年度等次已确认并备案。")
    elif action == "reopen":
        attempt(
            request,
            lambda: grading_service.reopen(actor=request.user, round_=round_, reason=request.POST.get("reason", "")),
            "已撤回备案，可调整后重新确认。",
        )
    elif action == "propose":
        attempt(
            request,
            lambda: grading_service.propose(actor=request.user, group=round_.group, year=round_.year),
            "已重新拟定年度等次。",
        )
    return redirect(round_.get_absolute_url())


def filing_download(request, pk):
    filing = get_object_or_404(
        GradeFiling.objects.visible_to(request.user).select_related("round__group__county"), pk=pk
    )
    group = filing.round.group
    title = f"{filing.round.year}年度城市人才考核等次备案表（{group.name}）"
    audit.record(action="export", actor=request.user, obj=filing, message=f"下载{title}")
    return xlsx_response(filing_workbook(title, group.county.name, filing.rows), f"{group.county.name}{title}.xlsx")
