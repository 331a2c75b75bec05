"""One front-end convention, checked over every form and every list page rather than a sample:

- every form and filter form of the apps renders through the one field template: each control has
  a label (or a fieldset legend) that reads its name and nothing else, no form declares its own
  Bootstrap classes, an empty choice reads "请选择…" (forms) or "全部" (filters), never `---------`,
  and every select of rows carries `data-tom-select` (the one hook portal.js initialises tom-select by);
- every list page draws its filters with the shared partial: each control has a visible label;
- tom-select is loaded once, by base.html, and no template initialises it on its own.
"""

from pathlib import Path

import lxml.html
import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from tests.forms_walk import FILTERSET_CLASSES, FORM_CLASSES, make_filter_form, make_form
from tests.test_pagination import list_routes

pytestmark = pytest.mark.django_db

DASHES = "---------"
CONTROLS = ".//input[not(@type='hidden') and not(@type='submit')]|.//select|.//textarea"


def unlabelled_controls(element) -> list[str]:
    """Controls inside `element` that a person or a screen reader cannot name: no <label for=…>
    and no enclosing <label> (a radio's or a tile's own label counts)."""
    labelled = {label.get("for") for label in element.getroottree().xpath("//label[@for]")}
    problems = []
    for control in element.xpath(CONTROLS):
        if control.get("id") in labelled or control.xpath("ancestor::label"):
            continue
        problems.append(lxml.html.tostring(control, encoding="unicode")[:120])
    return problems


def form_problems(form) -> list[str]:
    name = type(form).__qualname__
    problems = [
        f"{name}.{n}: declares class={f.widget.attrs['class']!r}"
        for n, f in form.fields.items()
        if "class" in f.widget.attrs
    ]
    html = str(form)
    document = lxml.html.fromstring(f"<div>{html}</div>")
    problems += [f"{name}: unlabelled {c}" for c in unlabelled_controls(document)]
    if DASHES in html:
        problems.append(f"{name}: an empty choice reads {DASHES}")
    for field in form.visible_fields():
        # The label reads the field's name and nothing else (the required mark sits beside it), so
        # what a person reads, a screen reader announces and a test looks for by label is the same.
        label = document.xpath(f"//label[@for='{field.id_for_label}']") if field.id_for_label else []
        if label and label[0].text_content() != str(field.label):
            problems.append(f"{name}.{field.name}: the label reads {label[0].text_content()!r}")
    for field_name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and isinstance(field.widget, (forms.Select, forms.SelectMultiple)):
            select = document.xpath(f"//select[@name='{form.add_prefix(field_name)}']")
            if select and select[0].get("data-tom-select") is None:
                problems.append(f"{name}.{field_name}: a select of rows without data-tom-select")
    return problems


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_renders_through_the_one_field_template(form_class, form_context):
    with translation.override("zh-hans"):
        form = make_form(form_class, form_context)
        assert form is None or form_problems(form) == []


@pytest.mark.parametrize("filterset_class", FILTERSET_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_filter_form_renders_through_the_one_field_template(filterset_class, form_context):
    with translation.override("zh-hans"):
        form = make_filter_form(filterset_class, form_context)
        if form is None:
            return
        assert getattr(form, "is_filter", False), "a FilterSet whose form is not a FilterForm"
        assert form_problems(form) == []
        assert "全部" in str(form) or not any(isinstance(f, forms.ChoiceField) for f in form.fields.values())


def test_every_list_page_labels_every_filter_control(client, cast, form_context):
    """Each list page a cast member opens: its filter form (the GET form) names every control."""
    seen = set()
    for name, path in list_routes():
        for user in cast.users.values():
            client.force_login(user)
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            document = lxml.html.fromstring(response.content.decode())
            for form in document.xpath("//form[not(@method) or translate(@method, 'GET', 'get')='get']"):
                if form.xpath(".//*[@role='search'] | self::*[@role='search']"):
                    seen.add(name)
                problems = unlabelled_controls(form)
                hidden_labels = [
                    label.text_content() for label in form.xpath(".//label[contains(@class, 'visually-hidden')]")
                ]
                assert problems == [] and hidden_labels == [], f"{name} as {user.username}: {problems or hidden_labels}"
                assert DASHES not in lxml.html.tostring(form, encoding="unicode"), name
    # The five ledger lists that used to write their own filters, and the generic directory lists.
    expected = {
        "ledgers:activity_list",
        "ledgers:month_list",
        "ledgers:demand_list",
        "ledgers:meeting_list",
        "ledgers:evaluation_list",
        "pairing:village_list",
        "pairing:agreement_overview",
        "pairing:audit_log",
    }
    assert expected <= seen, expected - seen


def test_tom_select_is_loaded_once_and_initialised_by_one_convention():
    templates = [p for d in settings.TEMPLATES[0]["DIRS"] for p in Path(d).rglob("*.html")]
    for app in ("pairing", "ledgers", "assessment"):
        templates += list((Path(settings.BASE_DIR) / app / "templates").rglob("*.html"))
    loading = [p.name for p in templates if "tom-select.complete" in p.read_text(encoding="utf-8")]
    initialising = [p.name for p in templates if "TomSelect(" in p.read_text(encoding="utf-8")]
    assert loading == ["base.html"]
    assert initialising == []
    assert "select[data-tom-select]" in (Path(settings.BASE_DIR) / "static/portal/portal.js").read_text()
