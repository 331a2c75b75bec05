"""A talent's own service page: what waits for the village, and this year's own totals (their own
activities and hours, not the other participants'), as a direct count of the confirmed records."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from ledgers.choices import ActivityStatus
from ledgers.models import ActivityParticipant
from tests.ledgers.helpers import last_month_day, record, today

pytestmark = pytest.mark.django_db


def test_the_year_totals_are_the_talents_own_confirmed_service(cast, client):
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="2")  # the secretary's: confirmed
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u], hours="1.5", day=last_month_day())
    pending = record(cast.frank, cast.village_a1, talents=[cast.talent_t], hours="3")  # waits for the village
    assert pending.status == ActivityStatus.PENDING

    client.force_login(cast.frank)
    page = client.get(reverse("ledgers:my_services"))
    assert [a.pk for a in page.context["waiting"]] == [pending.pk]

    year = today().year
    own = ActivityParticipant.objects.filter(
        talent=cast.talent_t, activity__status=ActivityStatus.CONFIRMED, activity__date__year=year
    )
    expected = own.aggregate(times=Count("pk"), hours=Sum("hours"))
    months = len({d.month for d in own.values_list("activity__date", flat=True)})
    totals = page.context["year_totals"]
    assert (totals["times"], totals["hours"], totals["months"]) == (expected["times"], expected["hours"], months)
    assert totals["hours"] == (Decimal("3.5") if last_month_day().year == year else Decimal("2"))
