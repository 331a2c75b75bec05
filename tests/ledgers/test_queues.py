"""The two work queues, activities waiting for the village and months waiting for the township, show
a page at a time: at county scale they held hundreds of rows, at city scale thousands (2.7 s)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.choices import MonthStatus
from ledgers.models import LedgerMonth
from ledgers.periods import month_start
from pairing.models import Village

from .helpers import record, today

pytestmark = pytest.mark.django_db


def pending_records(cast, count):
    return [
        record(cast.frank, cast.village_a1, talents=[cast.talent_t], title=f"待确认服务{n:02d}") for n in range(count)
    ]


def test_the_pending_queue_shows_twenty_oldest_first_and_pages_the_rest(cast, client):
    rows = pending_records(cast, 23)
    client.force_login(cast.dave)

    first = client.get(reverse("ledgers:pending"))
    second = client.get(reverse("ledgers:pending"), {"page": 2})

    assert [a.pk for a in first.context["page_obj"]] == [a.pk for a in rows[:20]]
    assert [a.pk for a in second.context["page_obj"]] == [a.pk for a in rows[20:]]
    assert first.context["page_obj"].paginator.count == 23
    assert "?page=2" in first.content.decode()  # the shared pagination links


def test_reviewing_from_a_later_page_comes_back_to_that_page(cast, client):
    pending_records(cast, 21)
    client.force_login(cast.dave)

    page = client.get(reverse("ledgers:pending"), {"page": 2}).content.decode()

    assert 'name="next" value="/ledgers/activities/pending/?page=2"' in page


def test_the_pending_queue_costs_the_same_queries_for_3_rows_as_for_23(cast, client, django_assert_num_queries):
    client.force_login(cast.dave)
    pending_records(cast, 3)
    few = _queries(client, reverse("ledgers:pending"))
    pending_records(cast, 20)

    with django_assert_num_queries(few):
        client.get(reverse("ledgers:pending"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def submitted_months(cast, count):
    """`count` submitted months of village A1 and of new villages of township A, oldest first."""
    rows = []
    first = month_start(today())
    for n in range(count):
        village = Village.objects.create(township=cast.township_a, name=f"甲镇{n:02d}村", code=f"3411221003{n:02d}")
        month = (first - datetime.timedelta(days=28 * (n % 3 + 1))).replace(day=1)
        rows.append(LedgerMonth.objects.create(village=village, month=month, status=MonthStatus.SUBMITTED))
    return sorted(rows, key=lambda r: (r.month, r.village.code))


def test_the_month_queue_shows_thirty_and_pages_the_rest(cast, client):
    rows = submitted_months(cast, 33)
    client.force_login(cast.bob)

    first = client.get(reverse("ledgers:month_queue"))
    second = client.get(reverse("ledgers:month_queue"), {"page": 2})

    assert [m.pk for m in first.context["page_obj"]] == [m.pk for m in rows[:30]]
    assert [m.pk for m in second.context["page_obj"]] == [m.pk for m in rows[30:]]
    assert "共 33 条" in first.content.decode()


def test_the_month_queue_still_lists_only_submitted_months_in_scope(cast, client):
    rows = submitted_months(cast, 2)
    LedgerMonth.objects.create(village=cast.village_a1, month=month_start(today()), status=MonthStatus.OPEN)
    LedgerMonth.objects.create(village=cast.village_b1, month=rows[0].month, status=MonthStatus.SUBMITTED)
    client.force_login(cast.bob)

    listed = {m.pk for m in client.get(reverse("ledgers:month_queue")).context["page_obj"]}

    assert listed == {m.pk for m in rows}
