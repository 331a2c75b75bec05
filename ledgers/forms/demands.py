"""Forms of the demand pages. They validate input; ledgers/services/demands.py decides."""

from django import forms
from django.utils import timezone

from pairing.choices import DemandCategory
from pairing.core.local_time import local_date
from pairing.core.widgets import ChoiceTiles, DateInput, MultipleChoiceTiles
from pairing.models import AgreementDemandItem, Specialty

from ..choices import ActivityStatus, DemandType
from ..models import ServiceActivity
from ..models.demands import MAX_PEOPLE_WANTED
from ..services.demands import DemandInput


class DemandForm(forms.Form):
    """Publish or edit a demand (phone-first: big radio buttons, today's date as the minimum)."""

    type = forms.ChoiceField(label="类型", choices=DemandType.choices, widget=ChoiceTiles)
    category = forms.ChoiceField(label="类别", choices=DemandCategory.choices)
    title = forms.CharField(label="标题", max_length=100)
    description = forms.CharField(label="具体内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    specialties = forms.ModelMultipleChoiceField(
        label="所需特长",
        queryset=Specialty.objects.all(),
        required=False,
        help_text="可多选，用于推荐人才。",
        widget=MultipleChoiceTiles,
    )
    people_wanted = forms.IntegerField(
        label="需要人数",
        min_value=1,
        max_value=MAX_PEOPLE_WANTED,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    due_date = forms.DateField(label="期望完成日期（选填）", required=False, widget=DateInput)
    agreement_item = forms.ModelChoiceField(
        label="对应协议需求清单（选填）", queryset=AgreementDemandItem.objects.none(), required=False
    )

    def __init__(self, *args, user, village, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        # The browser's own check follows the rule (due date not before publication): an edit of
        # an overdue demand must still submit.
        published = local_date(demand.published_at) if demand is not None else timezone.localdate()
        self.fields["due_date"].widget.attrs["min"] = published.isoformat()
        self.fields["agreement_item"].queryset = (
            AgreementDemandItem.objects.visible_to(user)
            .filter(agreement__pairing__village=village, agreement__year__in=(year - 1, year))
            .select_related("agreement")
            .order_by("-agreement__year", "pk")
        )
        if not self.fields["agreement_item"].queryset.exists():
            del self.fields["agreement_item"]  # no agreement lists this year: nothing to link to

    @classmethod
    def initial_from(cls, demand) -> dict:
        return {
            "type": demand.type,
            "category": demand.category,
            "title": demand.title,
            "description": demand.description,
            "specialties": list(demand.specialties.all()),
            "people_wanted": demand.people_wanted,
            "due_date": demand.due_date,
            "agreement_item": demand.agreement_item_id,
        }

    def demand_input(self) -> DemandInput:
        data = self.cleaned_data
        return DemandInput(
            type=data["type"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            people_wanted=data["people_wanted"],
            due_date=data.get("due_date"),
            specialties=tuple(data["specialties"]),
            agreement_item=data.get("agreement_item"),
        )


class ResolveForm(forms.Form):
    """Resolve with the outcome and the confirmed activity of this village that served it."""

    activity = forms.ModelChoiceField(
        label="办理该需求的服务活动", queryset=ServiceActivity.objects.none(), empty_label="请选择已确认的服务活动"
    )
    outcome = forms.CharField(label="办理结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, demand, **kwargs):
        super().__init__(*args, **kwargs)
        published = local_date(demand.published_at)
        self.fields["activity"].queryset = (
            ServiceActivity.objects.visible_to(user)
            .filter(village_id=demand.village_id, status=ActivityStatus.CONFIRMED, date__gte=published)
            .order_by("-date", "-pk")
        )


class CloseForm(forms.Form):
    reason = forms.CharField(label="未解决原因", max_length=200)
