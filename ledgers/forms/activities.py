"""Forms of the ledger pages. They validate input; the services in ledgers/services/ decide."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pairing.choices import Role
from pairing.core.uploads import validate_image_upload
from pairing.core.widgets import ChoiceTiles, DateInput
from pairing.models import AgreementProjectItem, CountyUnit, UrbanTalent

from ..choices import ActivityKind
from ..services.activities import MAX_PHOTOS, ActivityInput, ParticipantInput


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos from one <input type=file multiple>, each checked by content."""

    def __init__(self, *args, **kwargs):
        attrs = {"accept": "image/*", "capture": "environment", "multiple": True}
        kwargs.setdefault("widget", MultipleImageInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"每次活动最多上传 {MAX_PHOTOS} 张照片。")
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            validate_image_upload(upload)
            cleaned.append(upload)
        return cleaned


class ActivityForm(forms.Form):
    """The phone-first "record an activity" form: kind, date (today), participants, hours, photos."""

    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices, widget=ChoiceTiles)
    date = forms.DateField(label="活动日期", widget=DateInput)
    title = forms.CharField(label="活动名称", max_length=100)
    content = forms.CharField(label="活动内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    talents = forms.ModelMultipleChoiceField(
        label="参与的城市人才",
        queryset=UrbanTalent.objects.none(),
        required=False,
        help_text="仅列出本年度分配到本村的城市人才。",
        widget=forms.SelectMultiple(attrs={"data-placeholder": "搜索姓名或单位"}),
    )
    units = forms.ModelMultipleChoiceField(
        label="结对单位集体参与",
        queryset=CountyUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours = forms.DecimalField(
        label="每人服务时长（小时）",
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("2"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    beneficiaries = forms.IntegerField(
        label="受益群众（人次）",
        min_value=0,
        max_value=100_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    location = forms.CharField(label="活动地点", max_length=100, required=False)
    project_item = forms.ModelChoiceField(
        label="对应共建项目（选填）", queryset=AgreementProjectItem.objects.none(), required=False
    )
    photos = MultipleImageField(label="现场照片", help_text=f"可直接拍照，最多 {MAX_PHOTOS} 张，仅限图片。")

    def __init__(self, *args, user, village, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.village = village
        year = year or timezone.localdate().year
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        # Only talents assigned to this village for the year, and only units paired with it.
        self.fields["talents"].queryset = (
            UrbanTalent.objects.visible_to(user)
            .filter(assignments__village=village, assignments__year=year)
            .select_related("unit")
            .order_by("name")
        )
        self.fields["talents"].label_from_instance = lambda t: f"{t.name}（{t.unit.name if t.unit else '无单位'}）"
        self.fields["units"].queryset = CountyUnit.objects.filter(pairings__village=village).distinct()
        self.fields["units"].label_from_instance = lambda unit: f"{unit.name}（单位集体）"
        self.fields["project_item"].queryset = (
            AgreementProjectItem.objects.visible_to(user)
            .filter(agreement__pairing__village=village, agreement__year__in=(year - 1, year))
            .order_by("-agreement__year", "pk")
        )
        if user.role == Role.TALENT:
            # A talent records their own service: they are the participant.
            del self.fields["talents"]
            del self.fields["units"]
            self.fields["hours"].label = "本人服务时长（小时）"
        elif not self.fields["units"].queryset.exists():
            del self.fields["units"]  # a village not paired this year has no unit to tick

    def clean(self):
        cleaned = super().clean()
        if "talents" in self.fields and not cleaned.get("talents") and not cleaned.get("units"):
            # At the picker, where the eye and the fix are (not above the form).
            self.add_error("talents", "请至少选择一名参与的城市人才，或勾选结对单位集体参与。")
        return cleaned

    def participants(self) -> tuple[ParticipantInput, ...]:
        hours = self.cleaned_data["hours"]
        if "talents" not in self.fields:
            return (ParticipantInput(talent=self.user.talent, hours=hours),)
        return tuple(ParticipantInput(talent=t, hours=hours) for t in self.cleaned_data["talents"]) + tuple(
            ParticipantInput(unit=u, hours=hours) for u in self.cleaned_data.get("units", ())
        )

    def activity_input(self) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            date=data["date"],
            kind=data["kind"],
            title=data["title"],
            content=data["content"],
            location=data.get("location", ""),
            beneficiaries=data["beneficiaries"],
            participants=self.participants(),
            project_item=data.get("project_item"),
        )

    @classmethod
    def initial_from(cls, activity) -> dict:
        participants = list(activity.participants.all())
        hours = participants[0].hours if participants else Decimal("2")
        return {
            "kind": activity.kind,
            "date": activity.date,
            "title": activity.title,
            "content": activity.content,
            "location": activity.location,
            "beneficiaries": activity.beneficiaries,
            "hours": hours,
            "talents": [p.talent_id for p in participants if p.talent_id],
            "units": [p.unit_id for p in participants if p.unit_id],
            "project_item": activity.project_item_id,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label="退回原因", max_length=200, required=False)
