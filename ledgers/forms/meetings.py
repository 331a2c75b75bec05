"""Forms for joint meetings, resolutions, talent evaluations and township reports.

They validate input only; the services (ledgers/services/{meetings,evaluations,reports}.py) decide.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone

from pairing.core.widgets import DateInput, DateTimeInput
from pairing.models import Pairing, UrbanTalent

from ..choices import EvaluationRating, ResolutionStatus
from ..services.evaluations import EvaluationInput
from ..services.meetings import MeetingInput, ResolutionInput


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MeetingForm(forms.Form):
    held_at = forms.DateTimeField(
        label="召开时间",
        widget=DateTimeInput,
    )
    place = forms.CharField(label="会议地点", max_length=100)
    unit_chair = forms.CharField(label="主持人（名誉村长）", max_length=30)
    village_chair = forms.CharField(label="主持人（村党组织负责人）", max_length=30)
    attendee_talents = forms.ModelMultipleChoiceField(
        label="参会城市人才", queryset=UrbanTalent.objects.none(), required=False
    )
    attendees = forms.CharField(
        label="其他参会人员", required=False, max_length=2000, widget=_area(3), help_text="每行一人，可写单位和职务"
    )
    attendee_count = forms.IntegerField(label="参会人数", min_value=1, max_value=500)
    agenda = forms.CharField(label="会议议题", max_length=2000, widget=_area(3))
    minutes = forms.CharField(
        label="会议纪要", required=False, max_length=10000, widget=_area(6), help_text="可先保存草稿，定稿前补全"
    )

    def __init__(self, *args, user, pairing: Pairing, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        # Talents of the unit, or serving the village this year, that the user may see.
        self.fields["attendee_talents"].queryset = (
            UrbanTalent.objects.visible_to(user)
            .filter(Q(unit_id=pairing.unit_id) | Q(assignments__village_id=pairing.village_id, assignments__year=year))
            .distinct()
            .order_by("name")
        )

    @staticmethod
    def initial_from(meeting) -> dict:
        names = ("held_at", "place", "unit_chair", "village_chair", "attendees", "attendee_count", "agenda", "minutes")
        initial = {name: getattr(meeting, name) for name in names}
        initial["held_at"] = timezone.localtime(meeting.held_at)
        initial["attendee_talents"] = list(meeting.attendee_talents.all())
        return initial

    def meeting_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            held_at=data["held_at"],
            place=data["place"],
            unit_chair=data["unit_chair"],
            village_chair=data["village_chair"],
            attendees=data["attendees"],
            attendee_count=data["attendee_count"],
            agenda=data["agenda"],
            minutes=data["minutes"],
            attendee_talents=tuple(data["attendee_talents"]),
        )


class ResolutionForm(forms.Form):
    content = forms.CharField(label="议定事项", max_length=1000, widget=_area(2))
    responsible = forms.CharField(label="责任人", max_length=60)
    due_date = forms.DateField(label="完成时限", required=False, widget=DateInput)
    follow_up_status = forms.ChoiceField(
        label="落实情况", choices=ResolutionStatus.choices, initial=ResolutionStatus.NOT_STARTED
    )
    follow_up_note = forms.CharField(label="落实说明", required=False, max_length=500)

    def resolution_input(self) -> ResolutionInput:
        return ResolutionInput(**self.cleaned_data)


class FollowUpForm(forms.Form):
    follow_up_status = forms.ChoiceField(label="落实情况", choices=ResolutionStatus.choices)
    follow_up_note = forms.CharField(label="落实说明", required=False, max_length=500)


class EvaluationForm(forms.Form):
    rating = forms.ChoiceField(
        label="评定等次",
        required=False,
        choices=[("", "（不评等次）"), *EvaluationRating.choices],
        widget=forms.RadioSelect,
    )
    score = forms.IntegerField(label="评分（0–100）", required=False, min_value=0, max_value=100)
    comment = forms.CharField(label="评语", required=False, max_length=1000, widget=_area(3))
    reason = forms.CharField(
        label="修改原因", required=False, max_length=200, help_text="已转送单位的评定，修改时必须填写原因"
    )

    def __init__(self, *args, changing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not changing:
            del self.fields["reason"]  # a first rating has nothing to explain

    def clean(self):
        data = super().clean()
        if not data.get("rating") and data.get("score") is None:
            raise forms.ValidationError("请选择评定等次或填写评分。")
        return data

    def evaluation_input(self) -> EvaluationInput:
        data = self.cleaned_data
        return EvaluationInput(rating=data["rating"], score=data["score"], comment=data["comment"])


class ReportForm(forms.Form):
    summary = forms.CharField(label="工作报告", max_length=10000, widget=_area(20))
