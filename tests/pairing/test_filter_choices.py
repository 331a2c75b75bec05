"""Large selects: a filter or form select lists a small scope in full and searches a large one
through a scoped JSON endpoint (a city-wide page listed 4,353 options, 180 KB, in its filters)."""

import re

import pytest
from django.urls import reverse

from pairing.core.filtering import ScopedChoiceWidget
from pairing.models import Village

pytestmark = pytest.mark.django_db


def select(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, flags=re.DOTALL)
    assert match, f"no select {name}"
    return match.group(0)


@pytest.fixture
def many_villages(cast):
    """Township A grows to more villages than a select lists (the limit is lowered to 3)."""
    for n in range(3):
        Village.objects.create(township=cast.township_a, name=f"甲新{n}村", code=f"34112210030{n}")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(ScopedChoiceWidget, "limit", 3)


def test_a_small_scope_lists_every_village_as_before(cast, client):
    client.force_login(cast.alice)

    html = select(client.get(reverse("pairing:urbantalent_list")).content.decode(), "village")

    assert {"甲一村", "甲二村", "乙一村"} <= set(re.findall(r">([^<>]+村)</option>", html))
    assert "data-choices-url" not in html
    assert "丙一村" not in html  # the other county's village is not a choice


def test_a_large_scope_renders_only_the_chosen_village_and_searches_the_rest(cast, client, many_villages, small_limit):
    client.force_login(cast.alice)

    response = client.get(reverse("pairing:urbantalent_list"), {"village": cast.village_a2.pk})

    html = select(response.content.decode(), "village")
    assert re.findall(r">([^<>]+村)</option>", html) == ["甲二村"]
    assert "selected" in html
    assert f'data-choices-url="{reverse("pairing:choices", args=["village"])}"' in html
    assert [t.pk for t in response.context["page_obj"]] == []  # the filter itself still applies


def test_an_out_of_scope_choice_renders_nothing_and_filters_nothing(cast, client, many_villages, small_limit):
    client.force_login(cast.alice)

    response = client.get(reverse("pairing:urbantalent_list"), {"village": cast.other_village.pk})

    assert "丙一村" not in select(response.content.decode(), "village")
    assert list(response.context["page_obj"]) == []


def test_a_form_select_over_a_large_scope_is_searched_too(cast, client, small_limit):
    for n in range(3):
        cast.talent_t.__class__.objects.create(
            county=cast.county, unit=cast.unit_u, name=f"新人{n}", gender="male", phone=f"1350013500{n}"
        )
    client.force_login(cast.alice)

    html = select(client.get(reverse("pairing:talentassignment_create")).content.decode(), "talent")

    assert "张三" not in html and "新人0" not in html
    assert f'data-choices-url="{reverse("pairing:choices", args=["urbantalent"])}"' in html


def choices(client, model_name, q=""):
    response = client.get(reverse("pairing:choices", args=[model_name]), {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_endpoint_answers_within_the_users_scope(cast, client):
    client.force_login(cast.alice)
    assert sorted(choices(client, "village")) == ["乙一村", "甲一村", "甲二村"]
    assert choices(client, "village", "甲") == ["甲一村", "甲二村"]

    client.force_login(cast.erin)
    assert choices(client, "village") == ["甲一村"]  # the unit's paired village only

    client.force_login(cast.zoe)
    assert choices(client, "village") == ["丙一村"]


def test_the_endpoint_searches_like_the_list_page_and_labels_like_the_select(cast, client):
    client.force_login(cast.alice)

    assert choices(client, "urbantalent", "农业") == ["张三"]  # by the unit's name, as the talent list searches
    assert choices(client, "pairing", "乙一") == [str(cast.pairing_v_b1)]


def test_the_endpoint_answers_twenty_at_most(cast, client):
    for n in range(25):
        Village.objects.create(township=cast.township_a, name=f"甲{n:02d}村", code=f"3411221004{n:02d}")
    client.force_login(cast.alice)

    assert len(choices(client, "village")) == 20


def test_the_endpoint_knows_only_its_models_and_needs_a_login(cast, client):
    assert client.get(reverse("pairing:choices", args=["village"])).status_code == 302
    client.force_login(cast.alice)
    assert client.get(reverse("pairing:choices", args=["user"])).status_code == 404
    assert choices(client, "village", "x" * 500) == []
    client.force_login(cast.grace)  # the auditor sees no directory rows
    assert choices(client, "village") == []


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("ledgers:activity_list", "village"),
        ("ledgers:month_list", "village"),
        ("ledgers:evaluation_list", "village"),
    ],
)
def test_the_ledger_lists_search_a_large_scope_too(cast, client, many_villages, small_limit, url_name, field):
    # These filters were generated from Meta.fields: a plain select of every row in scope (3,000
    # villages city-wide made the months page 0.9 s, the activities page 3.7 s).
    client.force_login(cast.alice)

    html = select(client.get(reverse(url_name)).content.decode(), field)

    assert "data-choices-url" in html
    assert '<option value=""' in html and html.count("<option") == 1  # nothing chosen: no rows listed


def test_a_models_choice_label_is_what_its_str_shows(cast):
    """Selects read `choice_label` as a column instead of building rows to call str() on them."""
    from django.apps import apps

    labelled = [m for m in apps.get_models() if getattr(m, "choice_label", None)]
    assert {m.__name__ for m in labelled} >= {"County", "Township", "Village", "CountyUnit", "UrbanTalent"}
    for model in labelled:
        for row in model.objects.all()[:5]:
            assert str(row) == getattr(row, model.choice_label), model


def test_a_filter_over_the_users_own_single_row_is_not_shown_but_still_applies(cast, client):
    """A county admin's county, a township officer's township: one choice is no choice. A link
    carrying it still filters (kept as a hidden field)."""
    from django.urls import reverse

    client.force_login(cast.alice)
    page = client.get(reverse("pairing:village_list"))
    shown = {f.name for f in page.context["filterset"].form.shown_fields()}
    assert "township" in shown and "county" not in shown
    client.force_login(cast.bob)
    page = client.get(reverse("pairing:village_list"), {"county": cast.county.pk})
    form = page.context["filterset"].form
    assert not {"county", "township"} & {f.name for f in form.shown_fields()}
    assert 'type="hidden" name="county"' in page.content.decode()
    assert {v.pk for v in page.context["page_obj"]} == set(cast.township_a.villages.values_list("pk", flat=True))


@pytest.mark.parametrize("username", ["alice", "bob", "dave", "erin", "frank", "zoe"])
def test_the_one_row_models_of_each_role_are_those_its_scope_holds_one_row_of(cast, username):
    """pairing.roles.one_row_models declares, per anchor, what visible_to confines to one row: a
    hidden filter must never hide a real choice."""
    from django.apps import apps

    from pairing.roles import one_row_models

    user = cast.users[username]
    for name in one_row_models(user):
        model = apps.get_model("pairing", name)
        assert model.objects.visible_to(user).count() == 1, (username, name)
