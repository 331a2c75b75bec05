"""One FilterSet per model, shared by the API, the list pages and the exports."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from pairing.choices import DemandCategory
from pairing.core.filtering import IdFilter, PortalFilterSet, ScopedChoiceWidget, YearFilter
from pairing.core.widgets import DateInput, MonthInput
from pairing.filtersets import scoped_choice
from pairing.models import Pairing, Specialty, Township, UrbanTalent, Village

from .choices import (
    ActivityKind,
    ActivityStatus,
    DemandStatus,
    DemandType,
    EvaluationRating,
    MeetingStatus,
    MonthStatus,
    NotificationKind,
    ResolutionStatus,
)
from .models import Demand, LedgerMonth, Notification, ServiceActivity
from .models.demands import OPEN_STATUSES
from .models.evaluations import TalentEvaluation
from .models.meetings import JointMeeting, MeetingResolution
from .periods import aware_bounds, half_year_range, month_range, parse_month


def _month_filter(field: str):
    def apply(self, queryset, name, value):
        try:
            start, end = month_range(parse_month(value))
        except ValidationError:
            # An invalid month matches nothing rather than everything.
            return queryset.none()
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    return apply


# Village and talent filters are declared, not generated from Meta.fields: a generated one renders a
# plain <select> of every row in scope (3,000 villages city-wide: 0.8-1.1 s of template time on
# the activities, months and evaluations pages); `scoped_choice` searches a large scope remotely.


class ServiceActivityFilterSet(PortalFilterSet):
    search_fields = ("title", "content", "location")
    village = scoped_choice(Village, label="村（社区）")
    month = django_filters.CharFilter(method="filter_month", label="月份", widget=MonthInput)
    township = IdFilter(field_name="village__township", label="乡镇")
    talent = IdFilter(field_name="participants__talent", label="城市人才", distinct=True)
    unit = IdFilter(method="filter_unit", label="县直单位")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label="活动类型")
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label="确认状态")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="起始日期", widget=DateInput)
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="截止日期", widget=DateInput)

    filter_month = _month_filter("date")

    class Meta:
        model = ServiceActivity
        fields = ["village", "township", "talent", "unit", "kind", "status", "month"]

    def filter_unit(self, queryset, name, value):
        # The unit served if it took part as a whole or one of its talents did.
        matching = ServiceActivity.objects.filter(
            Q(participants__unit=value) | Q(participants__talent__unit=value)
        ).values("pk")
        return queryset.filter(pk__in=matching)


class LedgerMonthFilterSet(PortalFilterSet):
    search_fields = ("village__name", "village__township__name")
    village = scoped_choice(Village, label="村（社区）")
    month = django_filters.CharFilter(method="filter_month", label="月份", widget=MonthInput)
    year = YearFilter(field_name="month__year", label="年度")
    township = IdFilter(field_name="village__township", label="乡镇")
    status = django_filters.ChoiceFilter(choices=MonthStatus.choices, label="状态")

    filter_month = _month_filter("month")

    class Meta:
        model = LedgerMonth
        fields = ["village", "township", "status", "month", "year"]


class DemandFilterSet(PortalFilterSet):
    search_fields = ("title", "description", "village__name")
    village = scoped_choice(Village, label="村（社区）")
    township = scoped_choice(Township, field_name="village__township", label="乡镇")
    status = django_filters.ChoiceFilter(choices=DemandStatus.choices, label="状态")
    type = django_filters.ChoiceFilter(choices=DemandType.choices, label="类型")
    category = django_filters.ChoiceFilter(choices=DemandCategory.choices, label="类别")
    specialty = django_filters.ModelChoiceFilter(
        queryset=Specialty.objects.all(),
        field_name="specialties",
        distinct=True,
        label="所需特长",
        widget=ScopedChoiceWidget(),
    )
    year = YearFilter(field_name="published_at__year", label="发布年度")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期")

    class Meta:
        model = Demand
        fields = ["village", "township", "status", "type", "category", "specialty", "year", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class NotificationFilterSet(PortalFilterSet):
    search_fields = ("title", "body")
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="未读")
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices, label="类型")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


# Joint meetings, evaluations and township reports (issue 5 items 3-5).
def _half_filter(field: str):
    """`half=2026-H1` (or `2026-1`): rows whose `field` falls in that half year, in Asia/Shanghai."""

    def apply(self, queryset, name, value):
        match = re.match(r"^(\d{4})-H?([12])$", (value or "").strip())
        if not match:
            return queryset.none()
        start, end = aware_bounds(*half_year_range(int(match.group(1)), int(match.group(2))))
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    return apply


class JointMeetingFilterSet(PortalFilterSet):
    search_fields = ("place", "agenda", "minutes", "pairing__village__name", "pairing__unit__name")
    # Declared, not generated: a pairing's label reads its unit and village (two queries per option
    # without select_related: 607 queries for a county's page), and a large scope searches remotely.
    pairing = scoped_choice(Pairing, select_related=("unit", "village"), label="结对关系")
    village = IdFilter(field_name="pairing__village", label="村（社区）")
    unit = IdFilter(field_name="pairing__unit", label="县直单位")
    township = IdFilter(field_name="pairing__village__township", label="乡镇")
    year = YearFilter(field_name="held_at__year", label="年度")
    half = django_filters.CharFilter(
        method="filter_half", label="半年", widget=forms.TextInput(attrs={"placeholder": "如 2026-H1"})
    )
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label="纪要状态")

    filter_half = _half_filter("held_at")

    class Meta:
        model = JointMeeting
        fields = ["pairing", "village", "unit", "township", "year", "half", "status"]


class MeetingResolutionFilterSet(PortalFilterSet):
    search_fields = ("content", "responsible", "follow_up_note")
    follow_up_status = django_filters.ChoiceFilter(choices=ResolutionStatus.choices, label="落实情况")
    pairing = IdFilter(field_name="meeting__pairing", label="结对关系")
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="完成时限不晚于", widget=DateInput
    )

    class Meta:
        model = MeetingResolution
        fields = ["meeting", "pairing", "follow_up_status", "due_before"]


class TalentEvaluationFilterSet(PortalFilterSet):
    search_fields = ("talent__name", "village__name", "comment")
    talent = scoped_choice(UrbanTalent, label="城市人才")
    village = scoped_choice(Village, label="村（社区）")
    township = IdFilter(field_name="village__township", label="乡镇")
    unit = IdFilter(field_name="talent__unit", label="县直单位")
    rating = django_filters.ChoiceFilter(choices=EvaluationRating.choices, label="评定等次")
    forwarded = django_filters.BooleanFilter(
        field_name="forwarded_at", lookup_expr="isnull", exclude=True, label="已转送单位"
    )

    class Meta:
        model = TalentEvaluation
        fields = ["talent", "village", "township", "unit", "year", "quarter", "rating", "forwarded"]
