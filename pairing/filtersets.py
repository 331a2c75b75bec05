import django_filters

from .choices import PoliticalStatus, TalentStatus, UnitKind, VillageKind
from .filtering import PortalFilterSet
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


class CountyFilterSet(PortalFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = County
        fields = ["code"]


class TownshipFilterSet(PortalFilterSet):
    search_fields = ("name", "code", "party_committee")

    class Meta:
        model = Township
        fields = ["county"]


class VillageFilterSet(PortalFilterSet):
    search_fields = ("name", "code", "secretary_name")
    kind = django_filters.ChoiceFilter(choices=VillageKind.choices, label="类型")
    county = django_filters.NumberFilter(field_name="township__county", label="县（区）")

    class Meta:
        model = Village
        fields = ["township", "kind", "county"]


class CountyUnitFilterSet(PortalFilterSet):
    search_fields = ("name", "party_org_name")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label="单位性质")

    class Meta:
        model = CountyUnit
        fields = ["county", "kind"]


class UrbanTalentFilterSet(PortalFilterSet):
    search_fields = ("name", "position", "unit__name")
    status = django_filters.ChoiceFilter(choices=TalentStatus.choices, label="状态")
    political_status = django_filters.ChoiceFilter(choices=PoliticalStatus.choices, label="政治面貌")
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), label="特长"
    )
    village = django_filters.NumberFilter(field_name="assignments__village", label="服务村", distinct=True)
    township = django_filters.NumberFilter(field_name="assignments__village__township", label="乡镇", distinct=True)
    year = django_filters.NumberFilter(field_name="assignments__year", label="分配年度", distinct=True)

    class Meta:
        model = UrbanTalent
        fields = ["county", "unit", "status", "political_status", "gender"]


class TalentAssignmentFilterSet(PortalFilterSet):
    search_fields = ("talent__name", "village__name")
    township = django_filters.NumberFilter(field_name="village__township", label="乡镇")
    unit = django_filters.NumberFilter(field_name="talent__unit", label="单位")

    class Meta:
        model = TalentAssignment
        fields = ["year", "village", "talent", "township", "unit"]


class PairingFilterSet(PortalFilterSet):
    search_fields = ("unit__name", "village__name")
    township = django_filters.NumberFilter(field_name="village__township", label="乡镇")
    active_in = django_filters.NumberFilter(method="filter_active_in", label="在该年度有效")

    class Meta:
        model = Pairing
        fields = ["unit", "village", "township", "start_year"]

    def filter_active_in(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(start_year__lte=value), Q(end_year__isnull=True) | Q(end_year__gte=value))


class HonoraryVillageHeadFilterSet(PortalFilterSet):
    search_fields = ("name", "position", "pairing__village__name", "pairing__unit__name")
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="在任")
    village = django_filters.NumberFilter(field_name="pairing__village", label="村（社区）")
    unit = django_filters.NumberFilter(field_name="pairing__unit", label="单位")

    class Meta:
        model = HonoraryVillageHead
        fields = ["pairing", "village", "unit", "current"]
