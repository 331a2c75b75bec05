"""The base FilterSet shared by the API, the list pages and the exports (one filter, one result)."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q


class PortalFilterSet(django_filters.FilterSet):
    """Adds `q`, a free-text search over the fields named in `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label="搜索")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(condition)


class YearFilter(django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "年度")
        super().__init__(*args, **kwargs)
