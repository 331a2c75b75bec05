"""The base FilterSet shared by the API, the list pages and the exports (one filter, one result).

On a page, a FilterSet's form is a `FilterForm` (pairing/forms/rendering.py) drawn by the one filter
partial, templates/partials/filter_form.html.
"""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import format_html_join

from pairing.core.widgets import SearchInput
from pairing.forms.rendering import FilterForm


def visible_rows(model, select_related: tuple[str, ...] = ()):
    """Choices (and accepted ids) for a filter: the rows the requesting user sees, so a filter
    form never lists, and a filter never confirms, a row outside the user's scope."""

    def rows(request):
        queryset = model.objects.visible_to(getattr(request, "user", None))
        return queryset.select_related(*select_related) if select_related else queryset

    return rows


class PortalFilterSet(django_filters.FilterSet):
    """Adds `q`, a free-text search over the fields named in `search_fields`; foreign-key filters
    generated from `Meta.fields` choose among the user's rows only."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(
        method="search", label="搜索", widget=SearchInput(attrs={"placeholder": "输入关键字搜索"})
    )

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr="exact"):
        if field_name == "year":
            return YearFilter(field_name=field_name, lookup_expr=lookup_expr, label=field.verbose_name)
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        related = getattr(field, "related_model", None)
        scoped = hasattr(getattr(related, "objects", None), "visible_to")
        if isinstance(filter_, django_filters.ModelChoiceFilter) and scoped:
            filter_.queryset = visible_rows(related)
        return filter_

    def get_form_class(self):
        form = super().get_form_class()
        return type(form.__name__, (FilterForm, form), {})

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(condition)


class YearFilter(django_filters.NumberFilter):
    """A year between 2000 and 2100. A bare NumberFilter accepts 0 or 1e9, which a `__year` lookup
    on a date turns into an impossible date and a server error; this answers 400 in Chinese."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "年度")
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


MAX_ID = 2**63 - 1  # the largest value a BIGINT (and SQLite's INTEGER) holds


def parse_id(value) -> int | None:
    """A row id from a query or form parameter, or None: a positive 64-bit integer in ASCII digits
    ("²".isdigit() is true, yet int("²") fails; 10**30 is a database error)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdFilter(django_filters.NumberFilter):
    """A row id: a positive 64-bit integer. A bare NumberFilter passes 1e242 to the database, which
    SQLite cannot bind (a server error); this answers 400 in Chinese."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _plain_labels(field) -> bool:
    """Whether the field labels a row by str(row) (no override on its class or the instance)."""
    return (
        "label_from_instance" not in vars(field)
        and type(field).label_from_instance is forms.ModelChoiceField.label_from_instance
    )


class ScopedChoiceWidget(forms.Select):
    """The <select> of a filter or form field over a scoped model (villages, units, talents…).

    When the user's scope holds at most `limit` rows (a county's townships, a small county's
    villages) every row is an option, as in a plain select. Beyond that only the chosen row is
    rendered and tom-select loads matches from `data-choices-url` as the user types: a city-wide
    page listed 4,353 options (180 KB) in its filter form, a new assignment form 50,000 talents.
    One query renders it (two when a chosen row of a large scope must be fetched).
    """

    limit = 200
    template_name = "pairing/widgets/scoped_select.html"

    def __init__(self, url=None, attrs=None):
        super().__init__(attrs)
        self.url = url  # None: a short vocabulary (specialties) that is always listed whole
        self.remote = False

    def options(self, value: list[str]) -> list[tuple[str, str]]:
        """(value, label) of every option: the empty one, then the scope's rows, or only the chosen
        rows once the scope is larger than `limit` (then `remote` is set)."""
        iterator = self.choices  # a ModelChoiceIterator over the field's (scoped) queryset
        queryset, field = iterator.queryset, iterator.field
        # A model whose str() is one column names it (`choice_label = "name"`): its options are read
        # as (pk, name) pairs, not instances (deciding that a city's 3,000 villages are searched
        # remotely built 201 of them).
        column = getattr(queryset.model, "choice_label", None)
        if column and field.to_field_name is None and _plain_labels(field):
            pairs = queryset.values_list("pk", column)
        else:
            pairs = None
        source = pairs if pairs is not None else queryset
        rows = list(source[: self.limit + 1] if self.url else source)
        self.remote = self.url is not None and len(rows) > self.limit
        if self.remote:
            chosen = [pk for pk in (parse_id(v) for v in value) if pk is not None]
            rows = list(source.filter(pk__in=chosen)) if chosen else []
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        if pairs is not None:
            return empty + [(str(pk), label) for pk, label in rows]
        return empty + [(str(field.prepare_value(row)), field.label_from_instance(row)) for row in rows]

    def get_context(self, name, value, attrs):
        # Django's ChoiceWidget builds a dict per option for a template per option; a county's 120
        # units took 3 ms of the page that way. The options are written here as one string.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        options = self.options(context["widget"]["value"])
        if self.remote:
            context["widget"]["attrs"]["data-choices-url"] = str(self.url)
        context["widget"]["options_html"] = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            ((option, " selected" if option in chosen else "", label) for option, label in options),
        )
        return context
