import django_filters
from django.urls import reverse_lazy

from pairing.core.filtering import PortalFilterSet, ScopedChoiceWidget, YearFilter, visible_rows

from .choices import Gender, PoliticalStatus, TalentStatus, UnitKind, VillageKind
from .models import (
    County,
    CountyUnit,
    HonoraryVillageHead,
    Pairing,
    Specialty,
    TalentAssignment,
    Township,
    UrbanTalent,
    Village,
)
from .models.agreements import (
    Agreement,
    AgreementDemandItem,
    AgreementProjectItem,
    AgreementResourceItem,
)


def scoped_choice(model, select_related: tuple[str, ...] = (), **kwargs) -> django_filters.ModelChoiceFilter:
    """A foreign-key filter among the user's rows (`visible_rows`): a filter form never lists, and a
    filter never confirms, a row outside the user's scope. `select_related` names what the choice
    labels (`str(row)`) read, so a rendered list is one query. On a page its select lists every row
    of a small scope and searches a large one remotely (`choices_widget`)."""
    kwargs.setdefault("widget", choices_widget(model))
    return django_filters.ModelChoiceFilter(queryset=visible_rows(model, select_related), **kwargs)


def choices_widget(model, attrs=None) -> ScopedChoiceWidget:
    """A select for rows of `model` that searches the `pairing:choices` endpoint once the user's
    scope is too large to list (see choice_sources)."""
    return ScopedChoiceWidget(reverse_lazy("pairing:choices", args=[model._meta.model_name]), attrs)


class CountyFilterSet(PortalFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = County
        fields = ["code"]


class TownshipFilterSet(PortalFilterSet):
    search_fields = ("name", "code", "party_committee")
    county = scoped_choice(County, label="县（区）")

    class Meta:
        model = Township
        fields = ["county"]


class VillageFilterSet(PortalFilterSet):
    search_fields = ("name", "code", "secretary_name")
    kind = django_filters.ChoiceFilter(choices=VillageKind.choices, label="类型")
    county = scoped_choice(County, field_name="township__county", label="县（区）")
    township = scoped_choice(Township, label="乡镇")

    class Meta:
        model = Village
        fields = ["township", "kind", "county"]


class CountyUnitFilterSet(PortalFilterSet):
    search_fields = ("name", "party_org_name")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label="单位性质")
    county = scoped_choice(County, label="县（区）")

    class Meta:
        model = CountyUnit
        fields = ["county", "kind"]


class UrbanTalentFilterSet(PortalFilterSet):
    search_fields = ("name", "position", "unit__name")
    status = django_filters.ChoiceFilter(choices=TalentStatus.choices, label="状态")
    political_status = django_filters.ChoiceFilter(choices=PoliticalStatus.choices, label="政治面貌")
    # Declared, not generated from Meta.fields: a generated filter's label was seen as "Gender".
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label="性别")
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), label="特长", widget=ScopedChoiceWidget()
    )
    village = scoped_choice(Village, field_name="assignments__village", label="服务村", distinct=True)
    township = scoped_choice(Township, field_name="assignments__village__township", label="乡镇", distinct=True)
    county = scoped_choice(County, label="县（区）")
    unit = scoped_choice(CountyUnit, label="所在单位")
    year = YearFilter(field_name="assignments__year", label="分配年度", distinct=True)

    class Meta:
        model = UrbanTalent
        fields = ["county", "unit", "status", "political_status", "gender"]


class TalentAssignmentFilterSet(PortalFilterSet):
    search_fields = ("talent__name", "village__name")
    township = scoped_choice(Township, field_name="village__township", label="乡镇")
    unit = scoped_choice(CountyUnit, field_name="talent__unit", label="单位")
    village = scoped_choice(Village, label="服务村（社区）")
    talent = scoped_choice(UrbanTalent, label="城市人才")

    class Meta:
        model = TalentAssignment
        fields = ["year", "village", "talent", "township", "unit"]


class PairingFilterSet(PortalFilterSet):
    search_fields = ("unit__name", "village__name")
    township = scoped_choice(Township, field_name="village__township", label="乡镇")
    unit = scoped_choice(CountyUnit, label="县直单位")
    village = scoped_choice(Village, label="结对村（社区）")
    active_in = YearFilter(method="filter_active_in", label="在该年度有效")

    class Meta:
        model = Pairing
        fields = ["unit", "village", "township", "start_year"]

    def filter_active_in(self, queryset, name, value):
        return queryset.active_in(value)


class HonoraryVillageHeadFilterSet(PortalFilterSet):
    search_fields = ("name", "position", "pairing__village__name", "pairing__unit__name")
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="在任")
    village = scoped_choice(Village, field_name="pairing__village", label="村（社区）")
    unit = scoped_choice(CountyUnit, field_name="pairing__unit", label="单位")
    pairing = scoped_choice(Pairing, select_related=("unit", "village"), label="结对关系")

    class Meta:
        model = HonoraryVillageHead
        fields = ["pairing", "village", "unit", "current"]


def choice_sources() -> dict[str, tuple]:
    """What the choices endpoint answers for: model name -> (model, the FilterSet whose `q`
    searches it as its list page does, what its label `str(row)` reads)."""
    return {
        model._meta.model_name: (model, filterset, select_related)
        for model, filterset, select_related in (
            (County, CountyFilterSet, ()),
            (Township, TownshipFilterSet, ()),
            (Village, VillageFilterSet, ()),
            (CountyUnit, CountyUnitFilterSet, ()),
            (UrbanTalent, UrbanTalentFilterSet, ()),
            (Pairing, PairingFilterSet, ("unit", "village")),
        )
    }


# --- Three lists and one agreement ------------------------------------------------------------


class AgreementFilterSet(PortalFilterSet):
    search_fields = ("pairing__unit__name", "pairing__village__name", "pairing__village__township__name")
    year = YearFilter(label="年度")
    township = scoped_choice(Township, field_name="pairing__village__township", label="乡镇")
    unit = scoped_choice(CountyUnit, field_name="pairing__unit", label="县直单位")
    village = scoped_choice(Village, field_name="pairing__village", label="结对村（社区）")
    pairing = scoped_choice(Pairing, label="结对关系")

    class Meta:
        model = Agreement
        fields = ["year", "status", "township", "unit", "village", "pairing"]


class AgreementItemFilterSet(PortalFilterSet):
    agreement = scoped_choice(Agreement, label="协议")
    year = YearFilter(field_name="agreement__year", label="年度")


class AgreementResourceItemFilterSet(AgreementItemFilterSet):
    search_fields = ("description",)

    class Meta:
        model = AgreementResourceItem
        fields = ["agreement", "year", "kind"]


class AgreementDemandItemFilterSet(AgreementItemFilterSet):
    search_fields = ("description",)

    class Meta:
        model = AgreementDemandItem
        fields = ["agreement", "year", "category", "priority", "status"]


class AgreementProjectItemFilterSet(AgreementItemFilterSet):
    search_fields = ("name", "content", "unit_owner", "village_owner")

    class Meta:
        model = AgreementProjectItem
        fields = ["agreement", "year", "status"]
