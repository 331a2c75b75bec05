"""Every paginated list keeps its query string on every page link, and sort links keep the filters.

The lists are discovered: every page route without arguments (plus the few list routes that take
some, in ROUTE_ARGS) is opened by each member of the cast with one row per page; whatever comes
back with a `page_obj` is a paginated list. Each is opened with its own filter form submitted as a
browser would (every filter field, plus a marker), and every pagination link must carry all of it.
"""

import datetime
import urllib.parse

import lxml.html
import pytest
from django.core.paginator import Paginator
from django.urls import Resolver404, resolve
from django.utils import timezone

from ledgers.choices import EvaluationRating, MonthStatus
from ledgers.models import JointMeeting, LedgerMonth, Notification, TalentEvaluation
from ledgers.periods import current_month, quarter_of
from ledgers.services import record_activity
from tests.ledgers.helpers import activity_input
from tests.ledgers.test_demands_support import publish
from tests.rows import build_rows
from tests.test_url_access import walk

pytestmark = pytest.mark.django_db

MARKER = ("probe", "保留")
# List routes that take arguments, and arguments that show a list.
# Last year's agreements: that year's deadline has passed, so the unsigned ones are behind (this
# year's are only open until December 31st).
ROUTE_ARGS = {"ledgers:compliance_rule": f"/ledgers/compliance/agreements/?period={timezone.localdate().year - 1}-12"}
SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/", "/health/", "/static/", "/media/")


@pytest.fixture
def one_per_page(monkeypatch):
    """Every Paginator (ListView's and the function views') cuts one row per page."""
    original = Paginator.__init__

    def init(self, object_list, per_page, *args, **kwargs):
        original(self, object_list, 1, *args, **kwargs)

    monkeypatch.setattr(Paginator, "__init__", init)


@pytest.fixture
def rows(cast):
    """At least two rows for each list, in scope of someone in the cast."""
    built = build_rows(cast)
    today = timezone.localdate()
    record_activity(
        actor=cast.dave, village=cast.village_a1, data=activity_input(talents=[cast.talent_t], title="政策宣讲")
    )
    last_month = (current_month() - datetime.timedelta(days=1)).replace(day=1)
    LedgerMonth.objects.create(village=cast.village_a1, month=last_month)
    # Two months waiting for township A's confirmation, two services waiting for village A1's.
    for village in (cast.village_a1, cast.village_a2):
        LedgerMonth.objects.create(
            village=village,
            month=(last_month - datetime.timedelta(days=1)).replace(day=1),
            status=MonthStatus.SUBMITTED,
        )
    for title in ("自报服务一", "自报服务二"):
        record_activity(
            actor=cast.frank, village=cast.village_a1, data=activity_input(talents=[cast.talent_t], title=title)
        )
    JointMeeting.objects.create(
        pairing=cast.pairing_v_b1,
        held_at=built.meeting.held_at,
        place="村部",
        unit_chair="刘主任",
        village_chair="陈书记",
        attendee_count=6,
        agenda="研究项目",
    )
    TalentEvaluation.objects.create(
        talent=cast.talent_t2,
        village=cast.village_b1,
        year=today.year,
        quarter=quarter_of(today),
        rating=EvaluationRating.GOOD,
    )
    publish(cast, title="义诊服务")
    for n in range(3):
        Notification.objects.create(recipient=cast.dave, title=f"未读通知{n}")
    Notification.objects.create(recipient=cast.dave, title="已读通知", read_at=timezone.now())
    return built


def list_routes() -> list[tuple[str, str]]:
    """(name, path) of every page route without arguments, and of those in ROUTE_ARGS."""
    routes = []
    for name, path in walk():
        if path.startswith(SKIP_PREFIXES) or ":" not in name:
            continue
        if name in ROUTE_ARGS:
            routes.append((name, ROUTE_ARGS[name]))
        else:
            try:
                match = resolve(path)
            except Resolver404:
                continue  # a regex route whose dummy arguments do not match: it takes arguments
            if not match.args and not match.kwargs:
                routes.append((name, path))
    return routes


def filter_query(response, path: str) -> list[tuple[str, str]]:
    """What submitting the page's GET form(s) unchanged sends, plus the marker."""
    document = lxml.html.fromstring(response.content.decode())
    fields = []
    for form in document.forms:
        if (form.method or "GET").upper() == "GET" and not form.get("action"):
            fields += [(name, value) for name, value in form.form_values()]
    return [*fields, MARKER]


def links(response, xpath: str) -> list[str]:
    return [a.get("href") for a in lxml.html.fromstring(response.content.decode()).xpath(xpath)]


PAGE_LINKS = "//ul[contains(concat(' ', @class, ' '), ' pagination ')]//a"
SORT_LINKS = "//a[contains(concat(' ', @class, ' '), ' sort-link ')]"


def params(href: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query, keep_blank_values=True)


def test_the_discovery_sees_the_lists():
    names = {name for name, _ in list_routes()}
    assert {"ledgers:notifications", "pairing:village_list", "ledgers:activity_list"} <= names


def test_every_page_link_of_every_paginated_list_keeps_the_query_string(client, cast, rows, one_per_page):
    paginated, unpaged = [], []
    for name, path in list_routes():
        for user in cast.users.values():
            client.force_login(user)
            first = client.get(path)
            if first.status_code != 200 or first.context is None or "page_obj" not in first.context:
                continue
            query = filter_query(first, path)
            response = client.get(path, query)
            page = response.context["page_obj"]
            if page.paginator.num_pages < 2:
                unpaged.append(f"{name} as {user.username}")
                continue
            paginated.append(name)
            hrefs = links(response, PAGE_LINKS)
            assert hrefs, f"{name}: no pagination links"
            for href in hrefs:
                kept = [pair for pair in params(href) if pair[0] != "page"]
                assert sorted(kept) == sorted(pair for pair in query if pair[0] != "page"), f"{name}: {href}"
                assert dict(params(href))["page"].isdigit(), f"{name}: {href}"
            base = path.split("?")[0]  # a page link carries the whole query, the route's own arguments too
            second = client.get(base + hrefs[-1] if hrefs[-1].startswith("?") else hrefs[-1])
            assert second.status_code == 200 and second.context["page_obj"].number > 1, name
            break
    found = {name for name, _ in list_routes()}
    missing = {n.split(" as ")[0] for n in unpaged} - set(paginated)
    assert missing == set(), f"lists with one page for everyone (add rows to the fixture): {missing}"
    # The lists this test must have seen, or the discovery proves nothing.
    expected = {
        "pairing:village_list",
        "pairing:audit_log",
        "pairing:agreement_overview",
        "ledgers:activity_list",
        "ledgers:my_services",
        "ledgers:month_list",
        "ledgers:demand_list",
        "ledgers:notifications",
        "ledgers:meeting_list",
        "ledgers:evaluation_list",
        "ledgers:compliance_rule",
    }
    assert expected <= set(paginated), expected - set(paginated)
    assert set(paginated) <= found


def test_the_inbox_keeps_its_unread_filter_on_page_two(client, cast, rows, one_per_page):
    client.force_login(cast.dave)
    response = client.get("/ledgers/notifications/", {"unread": "1"})
    assert response.context["page_obj"].paginator.count == 3  # the read one is filtered out
    next_link = links(response, PAGE_LINKS + "[@rel='next']")[0]
    assert ("unread", "1") in params(next_link)

    page_two = client.get("/ledgers/notifications/" + next_link)

    titles = [n.title for n in page_two.context["page_obj"]]
    assert titles and all(t.startswith("未读") for t in titles)


def test_sort_links_keep_the_filters_and_start_again_at_page_one(client, cast, rows, one_per_page):
    client.force_login(cast.alice)
    response = client.get("/directory/villages/", {"township": cast.township_a.pk, "page": "2"})
    hrefs = links(response, SORT_LINKS)
    assert hrefs
    for href in hrefs:
        query = dict(params(href))
        assert query["township"] == str(cast.township_a.pk)
        assert "page" not in query
        assert query["ordering"]
