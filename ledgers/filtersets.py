"""One FilterSet per model, shared by the API, the list pages and the exports."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q

from pairing.filtering import PortalFilterSet

from .choices import ActivityKind, ActivityStatus, MonthStatus
from .models import LedgerMonth, ServiceActivity
from .periods import month_range, parse_month


def _month_filter(field: str):
    def apply(self, queryset, name, value):
        try:
            start, end = month_range(parse_month(value))
        except ValidationError:
            # An invalid month matches nothing rather than everything.
            return queryset.none()
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    return apply


class ServiceActivityFilterSet(PortalFilterSet):
    search_fields = ("title", "content", "location")
    month = django_filters.CharFilter(method="filter_month", label="月份（YYYY-MM）")
    township = django_filters.NumberFilter(field_name="village__township", label="乡镇")
    talent = django_filters.NumberFilter(field_name="participants__talent", label="城市人才", distinct=True)
    unit = django_filters.NumberFilter(method="filter_unit", label="县直单位")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label="活动类型")
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label="确认状态")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="起始日期")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="截止日期")

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
    month = django_filters.CharFilter(method="filter_month", label="月份（YYYY-MM）")
    year = django_filters.NumberFilter(field_name="month__year", label="年度")
    township = django_filters.NumberFilter(field_name="village__township", label="乡镇")
    status = django_filters.ChoiceFilter(choices=MonthStatus.choices, label="状态")

    filter_month = _month_filter("month")

    class Meta:
        model = LedgerMonth
        fields = ["village", "township", "status", "month", "year"]
