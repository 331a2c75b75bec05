"""The activities endpoint: filters, ordering, and fields only their owners may write."""

import pytest

from ledgers.choices import ActivityStatus
from ledgers.models import ServiceActivity
from ledgers.periods import format_month

from .helpers import api_payload, last_month_day, record, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(cast):
    return {
        "now": record(cast.dave, cast.village_a1, talents=[cast.talent_t], kind="theme", title="主题党日"),
        "before": record(cast.dave, cast.village_a1, units=[cast.unit_u], day=last_month_day(), title="单位走访"),
        "pending": record(cast.frank, cast.village_a1, talents=[cast.talent_t], title="代办"),
    }


def _ids(api, query):
    response = api.get(f"/api/v1/activities/?{query}")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filters(cast, rows, api):
    api.force_authenticate(cast.alice)
    assert set(_ids(api, f"month={format_month(today())}")) == {rows["now"].pk, rows["pending"].pk}
    assert _ids(api, "month=2026-13") == []
    assert set(_ids(api, f"talent={cast.talent_t.pk}")) == {rows["now"].pk, rows["pending"].pk}
    assert set(_ids(api, f"unit={cast.unit_u.pk}")) == {rows["now"].pk, rows["before"].pk, rows["pending"].pk}
    assert _ids(api, "kind=theme") == [rows["now"].pk]
    assert _ids(api, "status=pending") == [rows["pending"].pk]
    assert _ids(api, f"township={cast.township_b.pk}") == []
    assert _ids(api, f"village={cast.village_a1.pk}&q=单位") == [rows["before"].pk]
    assert _ids(api, "ordering=date")[0] == rows["before"].pk


def test_status_and_review_fields_cannot_be_written_by_the_recorder(cast, api):
    api.force_authenticate(cast.frank)
    payload = api_payload(cast.village_a1, talents=[cast.talent_t]) | {
        "status": "confirmed",
        "reviewed_at": "2020-01-01T00:00:00Z",
    }
    response = api.post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 201, response.json()
    activity = ServiceActivity.objects.get(pk=response.json()["id"])
    assert activity.status == ActivityStatus.PENDING and activity.reviewed_at is None
    response = api.patch(f"/api/v1/activities/{activity.pk}/", {"status": "confirmed"}, format="json")
    assert ServiceActivity.objects.get(pk=activity.pk).status == ActivityStatus.PENDING


def test_confirm_and_reject_actions(cast, rows, api):
    api.force_authenticate(cast.frank)
    assert api.post(f"/api/v1/activities/{rows['pending'].pk}/confirm/").status_code == 403
    api.force_authenticate(cast.dave)
    response = api.post(f"/api/v1/activities/{rows['pending'].pk}/reject/", {}, format="json")
    assert response.status_code == 400
    response = api.post(f"/api/v1/activities/{rows['pending'].pk}/reject/", {"reason": "请补充照片"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["reject_reason"] == "请补充照片"


def test_per_participant_hours_through_the_api(cast, api):
    api.force_authenticate(cast.dave)
    payload = api_payload(cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u])
    payload["participants"][1]["hours"] = "4.5"
    response = api.post("/api/v1/activities/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert [p["hours"] for p in response.json()["participants"]] == ["2.0", "4.5"]
    assert response.json()["status"] == "confirmed" and response.json()["month"] == format_month(today())


def test_month_totals_in_the_api_equal_the_ledger(cast, api):
    from ledgers.ledger import month_activities, totals
    from ledgers.models import LedgerMonth

    record(cast.dave, cast.village_a1, talents=[cast.talent_t], units=[cast.unit_u], hours="2.5", beneficiaries=7)
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], hours="1", beneficiaries=3)
    record(cast.frank, cast.village_a1, talents=[cast.talent_t], hours="8", beneficiaries=100)  # pending
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=last_month_day(), beneficiaries=1000)
    row = LedgerMonth.objects.get(village=cast.village_a1, month=today().replace(day=1))
    expected = totals(month_activities(cast.dave, cast.village_a1, row.month))
    api.force_authenticate(cast.bob)
    for body in (
        api.get(f"/api/v1/ledger-months/{row.pk}/").json(),
        next(r for r in api.get("/api/v1/ledger-months/").json()["results"] if r["id"] == row.pk),
    ):
        assert (
            (body["activities"], body["hours"], body["participants"], body["beneficiaries"])
            == (
                expected.activities,
                f"{expected.hours:.1f}",
                expected.participants,
                expected.beneficiaries,
            )
            == (2, "6.0", 2, 10)
        )
