"""Forms for the agreement pages. Each takes `user`; related choices are limited to what the user
sees (pairings) or to the lines of the same agreement (a project's demands and resources).

Every form that changes an agreement carries the `version` the page was rendered with, so a
write based on an outdated page is refused with a Chinese message instead of overwriting.
"""

from django import forms
from django.utils import timezone

from pairing.core.widgets import DateInput, SearchInput

from ..choices import DemandItemStatus, ProjectStatus
from ..filtersets import choices_widget
from ..models import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
    County,
    Pairing,
    Township,
)
from ..queries import OVERVIEW_STATUSES
from ..roles import sees_many_counties
from .rendering import FilterForm


class VersionForm(forms.Form):
    compact = True  # these forms sit in the agreement page's side panel and list rows
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ReasonForm(VersionForm):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(ReasonForm):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AmendForm(ReasonForm):
    reason = forms.CharField(
        label="变更原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="变更后协议回到草拟状态，需重新提交、确认、签署；当前签署版本存档可查。",
    )


class CloseForm(VersionForm):
    reason = forms.CharField(label="说明", max_length=500, required=False)


class TermsForm(VersionForm):
    terms = forms.CharField(label="协议条款", required=False, widget=forms.Textarea(attrs={"rows": 8}))


class SignForm(VersionForm):
    signed_on = forms.DateField(label="签署日期", widget=DateInput)
    unit_signatory = forms.CharField(label="单位签署人（名誉村长）", max_length=30)
    village_signatory = forms.CharField(label="村签署人（村党组织书记）", max_length=30)
    scan = forms.FileField(label="签署扫描件（PDF 或图片）", help_text="双方签字盖章后的协议扫描件，不超过 15 MB")


class CreateForm(forms.Form):
    pairing = forms.ModelChoiceField(label="结对关系", queryset=Pairing.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["pairing"].queryset = Pairing.objects.visible_to(user).select_related("unit", "village")
        self.fields["pairing"].error_messages["invalid_choice"] = "所选结对关系不存在或不在您的管理范围内。"


class CarryOverForm(forms.Form):
    compact = True
    copy_projects = forms.BooleanField(label="结转未完成的项目", required=False, initial=True)
    copy_demands = forms.BooleanField(label="结转未解决的需求", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class OverviewFilterForm(FilterForm):
    """Filters of the signing-progress overview: year, county (for a city-wide user), township and
    agreement status."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    # Scoped selects: a city's 150 townships rendered through Django's per-option include were most
    # of the overview's time; past 200 rows they search remotely like every list's filters.
    county = forms.ModelChoiceField(
        label="县（区）", queryset=County.objects.none(), required=False, widget=choices_widget(County)
    )
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Township.objects.none(), required=False, widget=choices_widget(Township)
    )
    status = forms.ChoiceField(label="协议状态", required=False, choices=[("", "全部"), *OVERVIEW_STATUSES])
    q = forms.CharField(
        label="搜索", required=False, max_length=50, widget=SearchInput(attrs={"placeholder": "单位或村名"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["township"].queryset = Township.objects.visible_to(user)
        self.fields["township"].error_messages["invalid_choice"] = "所选乡镇不存在或不在您的管理范围内。"
        self.many_counties = sees_many_counties(user)
        if self.many_counties:
            self.fields["county"].queryset = County.objects.visible_to(user).order_by("code")
            self.fields["county"].error_messages["invalid_choice"] = "所选县（区）不存在或不在您的管理范围内。"
        else:
            del self.fields["county"]

    def year_or_current(self) -> int:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or timezone.localdate().year


class ItemForm(forms.ModelForm):
    """A line of one list; `agreement_version` guards against editing from an outdated page."""

    compact = True
    agreement_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.agreement = agreement
        # Set before validation so the model's own checks (dates within the year) can run.
        self.instance.agreement = agreement
        self.initial.setdefault("agreement_version", agreement.version)


class ResourceItemForm(ItemForm):
    class Meta:
        model = AgreementResourceItem
        fields = ["kind", "description", "amount", "unit_of_measure"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DemandItemForm(ItemForm):
    class Meta:
        model = AgreementDemandItem
        fields = ["category", "description", "priority", "expected_by", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "expected_by": DateInput}


class ProjectItemForm(ItemForm):
    class Meta:
        model = AgreementProjectItem
        fields = ["name", "content", "demands", "resources", "planned_investment", "unit_owner", "village_owner"]
        fields += ["start_date", "end_date", "progress", "status", "outcome"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "start_date": DateInput,
            "end_date": DateInput,
            "demands": forms.CheckboxSelectMultiple,
            "resources": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only lines of this agreement can be linked; the service checks the same again.
        self.fields["demands"].queryset = AgreementDemandItem.objects.filter(agreement=self.agreement)
        self.fields["resources"].queryset = AgreementResourceItem.objects.filter(agreement=self.agreement)


class ProjectTrackForm(forms.Form):
    compact = True
    agreement_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    status = forms.ChoiceField(label="状态", choices=ProjectStatus.choices)
    outcome = forms.CharField(label="成效", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class DemandTrackForm(forms.Form):
    compact = True
    agreement_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="状态", choices=DemandItemStatus.choices)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


ITEM_FORMS = {"resource": ResourceItemForm, "demand": DemandItemForm, "project": ProjectItemForm}
