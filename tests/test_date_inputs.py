"""Every date, time, datetime-local and month input of every form and filter in the project renders
an ISO value under zh-hans, and reads an ISO value back.

The forms are discovered, not listed: every Form, ModelForm and FilterSet class defined in the
apps' modules. A browser's <input type="date"> shows nothing for value="2026/12/02" (Django's
zh-hans format), so a date that does not render as ISO is a date the user never sees and the next
save loses.
"""

import datetime
import importlib
import inspect
import pkgutil
import re

import django_filters
import pytest
from django import forms
from django.test import RequestFactory
from django.utils import translation

from ledgers.periods import SHANGHAI
from tests.rows import build_rows

APPS = ("pairing", "ledgers", "assessment")

# Each kind: a value, the ISO text a browser needs for it, and the input type that shows a picker.
SAMPLES = {
    "date": (datetime.date(2026, 12, 2), "2026-12-02"),
    "time": (datetime.time(9, 30), "09:30"),
    "datetime-local": (datetime.datetime(2026, 12, 2, 9, 30, tzinfo=SHANGHAI), "2026-12-02T09:30"),
    "month": (datetime.date(2026, 12, 1), "2026-12"),
}
ISO = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "time": r"\d{2}:\d{2}(:\d{2})?",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?",
    "month": r"\d{4}-\d{2}",
}


def project_classes(base) -> list[type]:
    """Concrete subclasses of `base` defined in the apps (abstract bases without a model are left out)."""
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)
    found, queue = [], [base]
    while queue:
        cls = queue.pop()
        queue.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORM_CLASSES = project_classes(forms.BaseForm)
FILTERSET_CLASSES = project_classes(django_filters.FilterSet)


def date_kind(name: str, field: forms.Field) -> str | None:
    if isinstance(field, forms.DateTimeField):
        return "datetime-local"
    if isinstance(field, forms.DateField):
        return "month" if "month" in name else "date"
    if isinstance(field, forms.TimeField):
        return "time"
    if getattr(field.widget, "input_type", "") in SAMPLES or "month" in name:
        return "month" if "month" in name else field.widget.input_type
    return None


def required_keywords(cls) -> set[str]:
    """Named arguments without defaults anywhere in the constructor chain (`user`, `village`…)."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            named = param.kind in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD) and param.name != "self"
            if named and param.default is param.empty:
                names.add(param.name)
    return names


@pytest.fixture
def context(cast):
    rows = build_rows(cast)
    return {
        "user": cast.alice,
        "village": cast.village_a1,
        "pairing": cast.pairing_u_a1,
        "agreement": rows.agreement,
        "demand": rows.demand,
    }


def make_form(cls, context, **kwargs):
    missing = required_keywords(cls) - context.keys()
    assert not missing, f"{cls.__qualname__} needs {missing}: add them to the `context` fixture"
    try:
        return cls(**kwargs, **{name: context[name] for name in required_keywords(cls)})
    except ValueError as exc:
        if "has no model class specified" in str(exc):
            return None  # an abstract ModelForm base; its concrete forms are walked on their own
        raise


def make_filter_form(cls, context, data=None):
    if cls._meta.model is None:
        return None  # an abstract FilterSet base
    request = RequestFactory().get("/", data or {})
    request.user = context["user"]
    return cls(data, queryset=cls._meta.model._default_manager.all(), request=request).form


def value_attribute(html: str) -> tuple[str, str]:
    input_type = re.search(r'type="([^"]+)"', html)
    value = re.search(r'value="([^"]*)"', html)
    return (input_type.group(1) if input_type else ""), (value.group(1) if value else "")


def date_fields(form):
    return [(name, kind) for name, field in form.fields.items() if (kind := date_kind(name, field))]


def check(form_with_initial, form_with_data, name: str, kind: str) -> list[str]:
    problems = []
    value, text = SAMPLES[kind]
    label = f"{type(form_with_initial).__qualname__}.{name}"
    input_type, rendered = value_attribute(str(form_with_initial[name]))
    if input_type != kind:
        problems.append(f'{label}: <input type="{input_type}">, not "{kind}" (use a widget from pairing.widgets)')
    if not re.fullmatch(ISO[kind], rendered) or rendered != text:
        problems.append(f'{label}: renders value="{rendered}", not "{text}"')
    form_with_data.is_valid()
    if name in form_with_data.errors:
        problems.append(f'{label}: refuses "{text}": {form_with_data.errors[name]}')
    elif form_with_data.cleaned_data.get(name) not in (value, text):
        problems.append(f'{label}: reads "{text}" as {form_with_data.cleaned_data.get(name)!r}')
    _, again = value_attribute(str(form_with_data[name]))
    if again != text:
        problems.append(f'{label}: re-renders "{text}" as value="{again}"')
    return problems


def test_the_walk_finds_the_forms_with_dates(context):
    """If discovery broke, the tests below would pass over nothing."""
    names = {c.__qualname__ for c in FORM_CLASSES} | {c.__qualname__ for c in FILTERSET_CLASSES}
    assert {"ActivityForm", "DemandForm", "MeetingForm", "SignForm", "DemandItemForm"} <= names
    assert {"ServiceActivityFilterSet", "AuditEventFilterSet", "MeetingResolutionFilterSet"} <= names


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_date_input_of_a_form_renders_and_reads_iso(form_class, context):
    with translation.override("zh-hans"):
        form = make_form(form_class, context)
        if form is None:
            return
        problems = []
        for name, kind in date_fields(form):
            value, text = SAMPLES[kind]
            with_initial = make_form(form_class, context, initial={name: value})
            with_data = make_form(form_class, context, data={name: text})
            problems += check(with_initial, with_data, name, kind)
    assert problems == []


@pytest.mark.parametrize("filterset_class", FILTERSET_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_date_input_of_a_filter_renders_and_reads_iso(filterset_class, context):
    with translation.override("zh-hans"):
        form = make_filter_form(filterset_class, context)
        if form is None:
            return
        problems = []
        for name, kind in date_fields(form):
            value, text = SAMPLES[kind]
            with_initial = make_filter_form(filterset_class, context)
            with_initial.initial[name] = value
            with_data = make_filter_form(filterset_class, context, data={name: text})
            problems += check(with_initial, with_data, name, kind)
    assert problems == []
