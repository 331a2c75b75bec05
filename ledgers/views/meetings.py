"""Joint meeting pages: list, record (for a pairing), detail with resolutions, edit, finalize."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from pairing.core.filtering import parse_id
from pairing.core.refusals import add_errors, attempt
from pairing.core.scoping import can_edit
from pairing.core.views import filtered_page
from pairing.models import Pairing

from .. import queries
from ..filtersets import JointMeetingFilterSet
from ..forms.meetings import FollowUpForm, MeetingForm, ResolutionForm
from ..models import JointMeeting, MeetingResolution
from ..services import meetings as meeting_service


def _meetings(user):
    """One meeting with who recorded and finalized it (the list shows neither)."""
    return queries.meetings(user).select_related("recorded_by", "finalized_by")


def _party_pairings(user):
    """Pairings the user records meetings for: visible, active this year, and the user is a party."""
    year = timezone.localdate().year
    pairings = Pairing.objects.visible_to(user).active_in(year).select_related("village", "unit")
    pairings = pairings.order_by("village__code")
    return [p for p in pairings if meeting_service.is_party(user, p)]


def meeting_list(request):
    listing = filtered_page(
        request, JointMeetingFilterSet, queries.meetings(request.user), ordering=("-held_at", "-pk")
    )
    return render(
        request,
        "ledgers/meetings/list.html",
        {
            **listing,
            "can_record": can_edit(request.user, JointMeeting),
        },
    )


def meeting_create(request):
    if not can_edit(request.user, JointMeeting):
        raise PermissionDenied(meeting_service.WORKFLOW.refusal("record"))
    choices = _party_pairings(request.user)
    chosen = request.GET.get("pairing") or request.POST.get("pairing")
    if not chosen and len(choices) == 1:
        chosen = str(choices[0].pk)
    if not chosen:
        return render(request, "ledgers/meetings/choose_pairing.html", {"pairings": choices})
    chosen = parse_id(chosen)
    if chosen is None:
        raise Http404
    pairing = get_object_or_404(Pairing.objects.visible_to(request.user).select_related("village", "unit"), pk=chosen)
    unit_chair, village_chair = meeting_service.default_chairs(pairing)
    initial = {"unit_chair": unit_chair, "village_chair": village_chair, "held_at": timezone.localtime()}
    form = MeetingForm(request.POST or None, user=request.user, pairing=pairing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_service.create_meeting(actor=request.user, pairing=pairing, data=form.meeting_input())
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "联席会议已登记（纪要草稿）。可继续添加议定事项，纪要完整后定稿。")
            return redirect(meeting)
    return render(request, "ledgers/meetings/form.html", {"form": form, "pairing": pairing, "creating": True})


def meeting_detail(request, pk):
    meeting = get_object_or_404(_meetings(request.user).prefetch_related("attendee_talents"), pk=pk)
    actions = meeting_service.allowed_actions(request.user, meeting)
    resolutions = list(meeting.resolutions.select_related("updated_by"))
    return render(
        request,
        "ledgers/meetings/detail.html",
        {
            "meeting": meeting,
            "resolutions": [
                (
                    r,
                    FollowUpForm(
                        initial={"follow_up_status": r.follow_up_status, "follow_up_note": r.follow_up_note},
                        auto_id=f"resolution-{r.pk}-%s",  # one form per row: ids stay unique
                    ),
                )
                for r in resolutions
            ],
            "actions": actions,
            "steps": meeting_service.WORKFLOW.steps,
            "is_party": "follow_up" in actions,
            "can_change": "edit" in actions,
            "resolution_form": ResolutionForm(),
        },
    )


def meeting_edit(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    meeting_service.WORKFLOW.require_role("edit", meeting, request.user)
    if not meeting_service.WORKFLOW.may("edit", meeting, request.user):
        messages.error(request, meeting_service.FINAL_IS_READ_ONLY)
        return redirect(meeting)
    form = MeetingForm(
        request.POST or None, user=request.user, pairing=meeting.pairing, initial=MeetingForm.initial_from(meeting)
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_service.update_meeting(actor=request.user, meeting=meeting, data=form.meeting_input())
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(meeting)
    return render(request, "ledgers/meetings/form.html", {"form": form, "pairing": meeting.pairing, "meeting": meeting})


@require_POST
def meeting_finalize(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    attempt(request, lambda: meeting_service.finalize_meeting(actor=request.user, meeting=meeting), "会议纪要已定稿。")
    return redirect(meeting)


@require_POST
def meeting_delete(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    if attempt(
        request, lambda: meeting_service.delete_meeting(actor=request.user, meeting=meeting), "会议记录已删除。"
    ):
        return redirect("ledgers:meeting_list")
    return redirect(meeting)


@require_POST
def resolution_add(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    form = ResolutionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "议定事项填写有误：" + "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(meeting)
    attempt(
        request,
        lambda: meeting_service.add_resolution(actor=request.user, meeting=meeting, data=form.resolution_input()),
        "已添加议定事项。",
    )
    return redirect(meeting)


def _resolution(request, pk):
    return get_object_or_404(MeetingResolution.objects.visible_to(request.user).select_related("meeting"), pk=pk)


@require_POST
def resolution_follow_up(request, pk):
    resolution = _resolution(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: meeting_service.follow_up_resolution(
                actor=request.user,
                resolution=resolution,
                status=form.cleaned_data["follow_up_status"],
                note=form.cleaned_data["follow_up_note"],
            ),
            "已更新落实情况。",
        )
    else:
        messages.error(request, "落实情况填写有误。")
    return redirect(resolution.meeting)


@require_POST
def resolution_delete(request, pk):
    resolution = _resolution(request, pk)
    attempt(
        request,
        lambda: meeting_service.delete_resolution(actor=request.user, resolution=resolution),
        "已删除议定事项。",
    )
    return redirect(resolution.meeting)


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/finalize/", meeting_finalize, name="meeting_finalize"),
    path("meetings/<int:pk>/delete/", meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/resolutions/", resolution_add, name="resolution_add"),
    path("resolutions/<int:pk>/follow-up/", resolution_follow_up, name="resolution_follow_up"),
    path("resolutions/<int:pk>/delete/", resolution_delete, name="resolution_delete"),
]
