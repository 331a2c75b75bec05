"""Every date, time, datetime-local and month input of every form and filter in the project renders
an ISO value under zh-hans, and reads an ISO value back.

The forms are discovered, not listed: every Form, ModelForm and FilterSet class defined in the
apps' modules. A browser's <input type="date"> shows nothing for value="2026/12/02" (Django's
zh-hans format), so a date that does not render as ISO is a date the user never sees and the next
save loses.
"""

import datetime
import re

import pytest
from django import forms
from django.utils import translation

from ledgers.periods import SHANGHAI
from tests.forms_walk import FILTERSET_CLASSES, FORM_CLASSES, make_filter_form, make_form

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
        problems.append(f'{label}: <input type="{input_type}">, not "{kind}" (use a widget from pairing.core.widgets)')
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


def test_the_walk_finds_the_forms_with_dates(form_context):
    """If discovery broke, the tests below would pass over nothing."""
    names = {c.__qualname__ for c in FORM_CLASSES} | {c.__qualname__ for c in FILTERSET_CLASSES}
    assert {"ActivityForm", "DemandForm", "MeetingForm", "SignForm", "DemandItemForm"} <= names
    assert {"ServiceActivityFilterSet", "AuditEventFilterSet", "MeetingResolutionFilterSet"} <= names


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_date_input_of_a_form_renders_and_reads_iso(form_class, form_context):
    with translation.override("zh-hans"):
        form = make_form(form_class, form_context)
        if form is None:
            return
        problems = []
        for name, kind in date_fields(form):
            value, text = SAMPLES[kind]
            with_initial = make_form(form_class, form_context, initial={name: value})
            with_data = make_form(form_class, form_context, data={name: text})
            problems += check(with_initial, with_data, name, kind)
    assert problems == []


@pytest.mark.parametrize("filterset_class", FILTERSET_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_date_input_of_a_filter_renders_and_reads_iso(filterset_class, form_context):
    with translation.override("zh-hans"):
        form = make_filter_form(filterset_class, form_context)
        if form is None:
            return
        problems = []
        for name, kind in date_fields(form):
            value, text = SAMPLES[kind]
            with_initial = make_filter_form(filterset_class, form_context)
            with_initial.initial[name] = value
            with_data = make_filter_form(filterset_class, form_context, data={name: text})
            problems += check(with_initial, with_data, name, kind)
    assert problems == []
