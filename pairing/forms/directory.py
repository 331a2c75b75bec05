"""Directory forms. Each takes `user`; every related-object choice is limited to the rows that user
can see, so naming a village or unit outside one's scope is a field error and nothing is written.

Personal numbers are never put back into an edit form (that would be an unaudited reveal): the
field starts empty with the masked value as a hint, and an empty field keeps the stored number.
"""

from django import forms
from django.utils import timezone

from pairing.core.widgets import DateInput

from ..choices import Role
from ..fields import phone_form_field
from ..filtersets import choices_widget
from ..models import (
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)

OUT_OF_SCOPE_CHOICE = "所选{label}不存在或不在您的管理范围内。"
SEARCHABLE = (Village, CountyUnit, UrbanTalent, Pairing)


def scope_choices(form: forms.Form, user) -> None:
    """Limit every model choice field of `form` to rows visible to `user`."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        if hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(user)
            field.error_messages["invalid_choice"] = OUT_OF_SCOPE_CHOICE.format(label=field.label)
            if field.queryset.model in SEARCHABLE:
                # Every option of a city's 50,000 talents made a form take 19 s: a large scope is
                # searched remotely instead (the widget lists a small one in full).
                field.widget = choices_widget(field.queryset.model, dict(field.widget.attrs))
                field.widget.is_required = field.required
                field.queryset = field.queryset  # hands the choices to the new widget


def default_single_choice(form: forms.Form, name: str) -> None:
    """Preselect the only choice (a county admin has one county) on a new row."""
    field = form.fields.get(name)
    if field is not None and not form.initial.get(name):
        choices = list(field.queryset[:2])
        if len(choices) == 1:
            form.initial[name] = choices[0].pk


class ScopedModelForm(forms.ModelForm):
    single_choice_defaults: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope_choices(self, user)
        if self.instance.pk is None:
            for name in self.single_choice_defaults:
                default_single_choice(self, name)
        self._hide_personal_numbers()
        self._lock_role_fields()

    def _lock_role_fields(self):
        """Fields another role decides (the model's `role_fields`) are shown but not editable;
        the service refuses a change to them anyway (SECURITY.md 9)."""
        if self.user.is_superuser:
            return
        for name, roles in getattr(self._meta.model, "role_fields", {}).items():
            if name in self.fields and self.user.role not in roles:
                self.fields[name].disabled = True
                self.fields[name].help_text = "由县委组织部确定。"

    def _hide_personal_numbers(self):
        self.kept_masked = []
        if self.instance.pk is None:
            return
        for name, mask in getattr(self._meta.model, "masked_fields", {}).items():
            field = self.fields.get(name)
            stored = getattr(self.instance, name)
            if field is None or not stored:
                continue
            self.initial[name] = ""
            field.required = False
            field.widget.attrs["placeholder"] = mask(stored)
            field.help_text = "已登记，留空则保持不变；如需更正请输入新的号码。"
            self.kept_masked.append(name)

    def clean(self):
        cleaned = super().clean()
        for name in self.kept_masked:
            if not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class TownshipForm(ScopedModelForm):
    single_choice_defaults = ("county",)

    class Meta:
        model = Township
        fields = ["county", "name", "code", "party_committee"]


class VillageForm(ScopedModelForm):
    class Meta:
        model = Village
        fields = [
            "township",
            "name",
            "code",
            "kind",
            "party_org_kind",
            "secretary_name",
            "secretary_phone",
            "households",
            "population",
        ]


class CountyUnitForm(ScopedModelForm):
    single_choice_defaults = ("county",)

    class Meta:
        model = CountyUnit
        fields = ["county", "name", "kind", "party_org_kind", "party_org_name"]


class UrbanTalentForm(ScopedModelForm):
    single_choice_defaults = ("county", "unit")

    class Meta:
        model = UrbanTalent
        fields = [
            "county",
            "unit",
            "name",
            "gender",
            "political_status",
            "phone",
            "id_number",
            "position",
            "specialties",
            "status",
            "status_reason",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Only county admins see and set full ID numbers; others leave the field alone.
        if not (user.is_superuser or user.role == Role.COUNTY_ADMIN):
            self.fields.pop("id_number", None)
            if "id_number" in self.kept_masked:
                self.kept_masked.remove("id_number")


class TalentAssignmentForm(ScopedModelForm):
    class Meta:
        model = TalentAssignment
        fields = ["talent", "village", "year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("year", timezone.localdate().year)


class PairingForm(ScopedModelForm):
    class Meta:
        model = Pairing
        fields = ["unit", "village", "start_year", "end_year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("start_year", timezone.localdate().year)


class HonoraryVillageHeadForm(ScopedModelForm):
    """Corrections to a head's record; a new head is appointed with AppointHonoraryHeadForm."""

    class Meta:
        model = HonoraryVillageHead
        fields = ["name", "position", "phone", "talent", "start_date", "end_date"]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
        }


class AppointHonoraryHeadForm(forms.Form):
    """Name a new honorary village head; the current one steps down the day before."""

    pairing = forms.ModelChoiceField(Pairing.objects.select_related("unit", "village"), label="结对关系")
    name = forms.CharField(label="姓名", max_length=30)
    position = forms.CharField(label="单位职务", max_length=60, required=False)
    phone = phone_form_field(label="手机号码", required=False)
    talent = forms.ModelChoiceField(UrbanTalent.objects.all(), label="对应人才", required=False)
    start_date = forms.DateField(label="任职日期", initial=timezone.localdate, widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope_choices(self, user)


__all__ = [
    "AppointHonoraryHeadForm",
    "CountyUnitForm",
    "HonoraryVillageHeadForm",
    "PairingForm",
    "TalentAssignmentForm",
    "TownshipForm",
    "UrbanTalentForm",
    "VillageForm",
]
