"""Demand pages: pinned query counts, role-dependent actions, and the phone journey."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.choices import ActivityStatus, DemandStatus
from ledgers.models import Demand, ServiceActivity
from ledgers.services.demands import claim_demand
from ledgers.services.notifications import notify

from .helpers import today
from .test_demands_support import days_from_today, publish

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0"}


def _fill(cast, n):
    """n demands fully claimed by frank and unit U, n with a place left, and notifications."""
    for i in range(n):
        for full in (True, False):
            demand = publish(cast, people=2, specialties=("法律", "医疗"), title=f"需求{i}", due=days_from_today(3))
            claim_demand(actor=cast.erin, demand=demand)
            if full:
                claim_demand(actor=cast.frank, demand=demand)
        notify(recipient=cast.frank, kind="notice", title=f"通知{i}")
        notify(recipient=cast.bob, kind="notice", title=f"通知{i}")


def _count(client, api, user, url, via_api):
    if via_api:
        api.force_authenticate(user)
    else:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = (api if via_api else client).get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def _pages(cast):
    return {
        "demand list page": (cast.bob, reverse("ledgers:demand_list"), False),
        "claimable page": (cast.frank, reverse("ledgers:demand_claimable"), False),
        "daily summary page": (cast.bob, reverse("ledgers:demand_daily"), False),
        "rates page": (cast.bob, reverse("ledgers:demand_rates"), False),
        "inbox page": (cast.frank, reverse("ledgers:notifications"), False),
        "demands endpoint": (cast.bob, "/api/v1/demands/", True),
        "notifications endpoint": (cast.bob, "/api/v1/notifications/", True),
    }


# Why these numbers. Pages: session + user (2), saving the session every request (3) and the
# navbar's unread count (1). Then
# the rows, one query per prefetched relation, the figures as grouped aggregates; never per row.
PINNED = {
    # count, demands, specialties; the choices of the village and specialty filters (the officer's
    # own township is the only one: no township filter)
    "demand list page": 6 + 3 + 2,
    "rates page": 6 + 1,  # the per-village rates (the headline is their sum)
    "claimable page": 6 + 3,  # open claims (demand and village joined), demands, specialties
    "daily summary page": 6 + 4,  # per village, per unit, totals, townships in scope
    "inbox page": 6 + 3,  # count, notifications, the channel preferences
    "demands endpoint": 6,  # count, demands, specialties, claims, their talents, their units
    "notifications endpoint": 2,  # count, notifications
}


def test_query_counts_are_pinned_and_do_not_grow_with_rows(cast, client, api):
    _fill(cast, 2)
    few = {name: _count(client, api, *page) for name, page in _pages(cast).items()}
    _fill(cast, 6)
    many = {name: _count(client, api, *page) for name, page in _pages(cast).items()}
    assert few == many
    assert many == PINNED


def test_the_detail_page_shows_each_role_its_actions(cast, client):
    demand = publish(cast, people=2, specialties=("法律",))
    url = reverse("ledgers:demand_detail", args=[demand.pk])
    client.force_login(cast.frank)
    page = client.get(url).content.decode()
    assert "我来认领" in page and "标记已解决" not in page and "推荐人才" not in page
    client.force_login(cast.erin)
    assert "以单位名义认领" in client.get(url).content.decode()
    client.force_login(cast.dave)
    page = client.get(url).content.decode()
    assert "推荐人才" in page and "特长匹配" in page and "我来认领" not in page and "无法解决，关闭" in page
    client.force_login(cast.bob)
    page = client.get(url).content.decode()
    assert "推荐人才" in page and "邀请认领" not in page and "无法解决，关闭" not in page


def test_the_secretary_publishes_on_a_phone(cast, client):
    client.force_login(cast.dave)
    form = client.get(reverse("ledgers:demand_create"), **PHONE)
    assert 'name="viewport"' in form.content.decode() and "发布需求任务" in form.content.decode()
    response = client.post(
        reverse("ledgers:demand_create"),
        {
            "type": "micro_service",
            "category": "livelihood",
            "title": "老人代办医保",
            "description": "村里三位独居老人需要代办医保续费",
            "people_wanted": "1",
            "specialties": [],
        },
        **PHONE,
    )
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == demand.get_absolute_url()
    assert demand.published_by == cast.dave and demand.village == cast.village_a1


def test_a_refused_claim_on_the_page_says_why(cast, client):
    demand = publish(cast)
    client.force_login(cast.bob)
    response = client.post(reverse("ledgers:demand_action", args=[demand.pk, "claim"]), follow=True)
    assert "只有在本村服务的城市人才和结对单位可以认领需求" in response.content.decode()
    assert Demand.objects.get(pk=demand.pk).claimed_count == 0


def test_a_next_parameter_off_site_is_ignored(cast, client):
    demand = publish(cast)
    client.force_login(cast.frank)
    response = client.post(
        reverse("ledgers:demand_action", args=[demand.pk, "claim"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == demand.get_absolute_url()


def test_home_panels_for_talents_and_secretaries(cast, client):
    publish(cast, due=days_from_today(1))
    client.force_login(cast.frank)
    page = client.get(reverse("pairing:home")).content.decode()
    assert "需求认领" in page and "可认领的需求" in page
    client.force_login(cast.dave)
    page = client.get(reverse("pairing:home")).content.decode()
    assert "本村需求" in page and "待认领需求" in page and "已逾期需求" in page


def test_journey_frank_claims_on_a_phone_and_dave_resolves_with_the_activity(cast, client):
    demand = publish(cast, title="修缮村道路灯", specialties=("规划",))

    # frank opens "可认领" on his phone and claims with one tap.
    client.force_login(cast.frank)
    listing = client.get(reverse("ledgers:demand_claimable"), **PHONE).content.decode()
    assert "修缮村道路灯" in listing and "还差 1 人" in listing
    claim_url = reverse("ledgers:demand_action", args=[demand.pk, "claim"])
    assert f'action="{claim_url}"' in listing
    response = client.post(claim_url, {"next": reverse("ledgers:demand_claimable")}, follow=True, **PHONE)
    page = response.content.decode()
    assert "认领成功" in page and "我的在办认领" in page
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLAIMED

    # dave records the activity that served it (confirmed at once: he is the village's secretary).
    client.force_login(cast.dave)
    response = client.post(
        reverse("ledgers:activity_create"),
        {
            "kind": "micro_service",
            "date": today().isoformat(),
            "title": "维修村东路灯",
            "content": "张三联系供电所更换路灯 6 盏",
            "talents": [cast.talent_t.pk],
            "hours": "3",
            "beneficiaries": "120",
            "location": "村东路",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    activity = ServiceActivity.objects.get(title="维修村东路灯")
    assert activity.status == ActivityStatus.CONFIRMED

    # dave resolves the demand with that activity.
    detail = client.get(reverse("ledgers:demand_detail", args=[demand.pk])).content.decode()
    assert "维修村东路灯" in detail  # offered in the resolve form
    response = client.post(
        reverse("ledgers:demand_action", args=[demand.pk, "resolve"]),
        {"activity": activity.pk, "outcome": "更换路灯 6 盏，群众夜间出行恢复正常"},
        follow=True,
    )
    page = response.content.decode()
    assert "已标记为已解决" in page and "更换路灯 6 盏" in page
    demand.refresh_from_db()
    assert (demand.status, demand.served_by) == (DemandStatus.RESOLVED, activity)

    # The village's resolution rate counts it.
    listing = client.get(reverse("ledgers:demand_rates"))
    headline = listing.context["headline"]
    assert (headline.collected, headline.resolved, str(headline.rate)) == (1, 1, "100.0")


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "zoe"])
def test_every_demand_page_answers_every_cast_member_without_error(cast, client, username):
    demand = publish(cast, people=2, specialties=("法律",), due=days_from_today(2))
    claim_demand(actor=cast.erin, demand=demand)
    client.force_login(cast.users[username])
    pages = {
        reverse("ledgers:demand_list"): {200},
        reverse("ledgers:demand_list") + "?year=2025&overdue=true&ordering=due_date": {200},
        reverse("ledgers:demand_daily") + "?day=2026-02-30": {200},  # a bad day falls back to today
        reverse("ledgers:demand_rates") + "?year=abc": {200},  # not a year: this year
        reverse("ledgers:demand_claimable"): {200, 403},
        reverse("ledgers:demand_create"): {200, 403},
        reverse("ledgers:notifications"): {200},
        reverse("ledgers:demand_detail", args=[demand.pk]): {200, 404},
        reverse("ledgers:demand_edit", args=[demand.pk]): {200, 403, 404},
    }
    for url, allowed in pages.items():
        assert client.get(url).status_code in allowed, url


def test_the_daily_summary_exports_the_days_rows_in_scope(cast, client, django_capture_on_commit_callbacks):
    import io

    from openpyxl import load_workbook

    from pairing.choices import ExportStatus
    from pairing.models import Export

    _fill(cast, 2)
    from pairing.choices import Role
    from tests.factories import make_user

    secretary_b1 = make_user("secretary_b1", Role.VILLAGE_SECRETARY, village=cast.village_b1)
    publish(cast, village=cast.village_b1, actor=secretary_b1, title="乙村需求")
    for user, township_column in ((cast.alice, True), (cast.bob, False)):
        client.force_login(user)
        page = client.get(reverse("ledgers:demand_daily"), {"day": today().isoformat()})
        assert 'name="kind" value="demand_daily"' in page.content.decode()
        summary = page.context["summary"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("pairing:export_start"), {"kind": "demand_daily", "day": today().isoformat()})
        export = Export.objects.filter(owner=user).latest("pk")
        assert export.status == ExportStatus.DONE, export.error
        book = load_workbook(io.BytesIO(client.get(reverse("pairing:export_download", args=[export.pk])).content))
        villages = list(book["按村（社区）"].iter_rows(min_row=4, values_only=True))
        expected = [
            (r.name, *((r.township,) if township_column else ()), r.new, r.unclaimed, r.overdue)
            for r in summary.villages
        ]
        assert villages[:-1] == expected and villages[-1][0] == "合计"
        assert villages[-1][-3:] == (summary.totals["new"], summary.totals["unclaimed"], summary.totals["overdue"])
        units = list(book["按结对单位"].iter_rows(min_row=4, values_only=True))
        assert units == [(r.name, r.new, r.unclaimed, r.overdue) for r in summary.units]
        assert export.rows == len(summary.villages) + len(summary.units)
    assert "乙一村" not in {row[0] for row in villages}  # bob's file: his township only
    # A day after today reads as today, as on the page.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pairing:export_start"), {"kind": "demand_daily", "day": "2999-01-01"})
    assert Export.objects.filter(owner=cast.bob).latest("pk").params == {"day": "2999-01-01"}


def test_a_city_wide_user_reads_the_resolution_rate_by_county_and_the_headline_is_their_sum(cast, client):
    from tests.factories import make_user
    from tests.otp import verify_session

    publish(cast, people=1)
    verify_session(client, make_user("cityroot", "", is_superuser=True))
    listing = client.get(reverse("ledgers:demand_rates"))
    assert listing.context["level_label"] == "县（区）"
    rows, headline = listing.context["breakdown"], listing.context["headline"]
    assert cast.village_a1.township.county.name in [r.name for r in rows]
    assert (
        headline.collected
        == sum(r.collected for r in rows)
        == Demand.objects.filter(published_at__year=today().year).count()
    )


@pytest.mark.parametrize("typed", ["abc", "1999", "3000", "２０２６"])
def test_a_bad_year_on_the_rates_page_is_named_at_the_field_and_kept(cast, client, typed):
    client.force_login(cast.alice)
    page = client.get(reverse("ledgers:demand_rates"), {"year": typed})
    assert page.status_code == 200 and page.context["year"] == today().year
    html = page.content.decode()
    assert f"年度应为 2000 至 {today().year} 之间的四位数字" in html and 'aria-invalid="true"' in html
    assert f'value="{typed}"' in html
    assert "年度应为" not in client.get(reverse("ledgers:demand_rates"), {"year": today().year}).content.decode()
