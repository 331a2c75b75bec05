"""Saving an edit page unchanged changes nothing: GET it as someone allowed to edit, post back
exactly what the page rendered (as a browser would), and the row is as it was.

The edit pages are discovered from the URL resolver (every route named `*_edit`); each needs an
entry in EDIT_PAGES saying who edits which row through which page, so a new edit page fails here
until it is covered. A browser drops a date input's value it cannot read (`2026/12/02`) and sends
an empty field instead; `browser_values` does the same.
"""

import re
from dataclasses import dataclass

import lxml.html
import pytest
from django.db import models
from django.urls import reverse

from assessment.models import ScoringRule, ScoringWeights
from assessment.services.rules import install_default_table
from tests.rows import build_rows
from tests.test_url_access import walk

pytestmark = pytest.mark.django_db

# Written by every save whether or not anything changed.
BOOKKEEPING = {"version", "updated_at", "updated_by"}


@dataclass
class EditPage:
    user: str  # a member of the fixed cast
    page: str  # the URL a person opens
    action: str  # the URL its form posts to
    row: models.Model


def _agreement_page(rows, key: str) -> str:
    return f"{rows.agreement.get_absolute_url()}?edit={key}"


def _item(kind, item):
    return lambda cast, rows: EditPage(
        "dave",
        _agreement_page(rows, f"{kind}-{getattr(rows, item).pk}"),
        reverse("pairing:agreement_item_edit", args=[rows.agreement.pk, kind, getattr(rows, item).pk]),
        getattr(rows, item),
    )


def _directory(name, row):
    def page(cast, rows):
        obj = row(cast, rows)
        url = reverse(f"pairing:{name}_edit", args=[obj.pk])
        return EditPage("alice", url, url, obj)

    return page


def _ledger(name, user, row):
    def page(cast, rows):
        obj = getattr(rows, row)
        url = reverse(f"ledgers:{name}_edit", args=[obj.pk])
        return EditPage(user, url, url, obj)

    return page


def _report(cast, rows):
    report = rows.report
    url = reverse("ledgers:report_edit", args=[report.township_id, report.year, report.half])
    return EditPage("bob", url, url, report)


def _terms(cast, rows):
    return EditPage(
        "dave",
        rows.agreement.get_absolute_url(),
        reverse("pairing:agreement_terms", args=[rows.agreement.pk]),
        rows.agreement,
    )


def _follow_up(cast, rows):
    url = reverse("ledgers:resolution_follow_up", args=[rows.resolution.pk])
    return EditPage("erin", rows.meeting.get_absolute_url(), url, rows.resolution)


def _assessment(name, model):
    def page(cast, rows):
        year = rows.agreement.year
        if not model.objects.filter(county=cast.county, year=year).exists():
            install_default_table(actor=cast.alice, county=cast.county, year=year)
        obj = model.objects.filter(county=cast.county, year=year).order_by("pk").first()
        url = reverse(f"assessment:{name}", args=[obj.pk])
        return EditPage("alice", url, url, obj)

    return page


EDIT_PAGES = {
    "pairing:township_edit": [_directory("township", lambda cast, rows: cast.township_a)],
    "pairing:village_edit": [_directory("village", lambda cast, rows: cast.village_a1)],
    "pairing:countyunit_edit": [_directory("countyunit", lambda cast, rows: cast.unit_u)],
    "pairing:urbantalent_edit": [_directory("urbantalent", lambda cast, rows: cast.talent_t)],
    "pairing:talentassignment_edit": [_directory("talentassignment", lambda cast, rows: cast.assignment_t)],
    "pairing:pairing_edit": [_directory("pairing", lambda cast, rows: cast.pairing_u_a1)],
    "pairing:honoraryvillagehead_edit": [
        _directory("honoraryvillagehead", lambda cast, rows: cast.head_u_a1),
        _directory("honoraryvillagehead", lambda cast, rows: rows.past_head),
    ],
    "pairing:agreement_item_edit": [
        _item("resource", "resource_item"),
        _item("demand", "demand_item"),
        _item("project", "project_item"),
    ],
    "pairing:agreement_terms": [_terms],
    "ledgers:activity_edit": [_ledger("activity", "dave", "activity")],
    "ledgers:demand_edit": [_ledger("demand", "dave", "demand")],
    "ledgers:meeting_edit": [_ledger("meeting", "erin", "meeting")],
    "ledgers:evaluation_edit": [_ledger("evaluation", "dave", "evaluation")],
    "ledgers:report_edit": [_report],
    "ledgers:resolution_follow_up": [_follow_up],
    "assessment:rule_edit": [_assessment("rule_edit", ScoringRule)],
    "assessment:weights_edit": [_assessment("weights_edit", ScoringWeights)],
}
CASES = [(name, i) for name, builders in EDIT_PAGES.items() for i in range(len(builders))]

# What a browser does with a value it cannot read for these input types (HTML's value sanitization).
VALID = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "time": r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "datetime-local": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "month": r"\d{4}-\d{2}",
    "number": r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?",
}


def browser_values(form) -> dict[str, list[str]]:
    """What submitting `form` sends: lxml's successful controls, with unreadable typed values dropped."""
    types = {el.name: (el.get("type") or "text").lower() for el in form.inputs if el.tag == "input"}
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        pattern = VALID.get(types.get(name, ""))
        if pattern and not re.fullmatch(pattern, value):
            value = ""
        data.setdefault(name, []).append(value)
    return data


def snapshot(obj) -> dict:
    """The row's own values, its many-to-many links, and the rows it owns (participants…)."""
    obj = type(obj)._base_manager.get(pk=obj.pk)
    data = {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields if f.name not in BOOKKEEPING}
    for field in obj._meta.many_to_many:
        data[field.name] = sorted(o.pk for o in field.value_from_object(obj))
    for relation in obj._meta.related_objects:
        if relation.one_to_many and relation.on_delete is models.CASCADE:
            owned = relation.related_model._base_manager.filter(**{relation.field.name: obj})
            skip = {"id", relation.field.name, *BOOKKEEPING}
            data[relation.name] = sorted(
                repr([(f.name, f.value_from_object(row)) for f in row._meta.concrete_fields if f.name not in skip])
                for row in owned
            )
    return data


def test_every_edit_route_has_a_round_trip():
    routes = {name for name, _ in walk() if name.endswith("_edit")}
    assert routes, "the walk found no edit routes"
    assert routes - EDIT_PAGES.keys() == set(), "add these edit pages to EDIT_PAGES"


@pytest.mark.parametrize("name,index", CASES, ids=[f"{n}[{i}]" for n, i in CASES])
def test_saving_an_edit_page_unchanged_changes_nothing(client, cast, name, index):
    rows = build_rows(cast)
    page = EDIT_PAGES[name][index](cast, rows)
    client.force_login(getattr(cast, page.user))
    response = client.get(page.page)
    assert response.status_code == 200, f"{page.user} cannot open {page.page}"
    document = lxml.html.fromstring(response.content.decode(), base_url=f"http://testserver{page.page}")
    forms = [f for f in document.forms if (f.action or page.page).split("?")[0].endswith(page.action)]
    assert len(forms) == 1, f"{page.page} has {len(forms)} forms posting to {page.action}"
    before = snapshot(page.row)

    response = client.post(page.action, browser_values(forms[0]))

    assert response.status_code == 302, _errors(response)
    assert snapshot(page.row) == before


def _errors(response) -> str:
    form = (response.context or {}).get("form")
    return f"the unchanged form was refused: {form.errors.as_data() if form is not None else response.status_code}"
