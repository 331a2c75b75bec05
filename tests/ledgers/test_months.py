"""Month close: submit, confirm, reopen with a reason, resubmit; stale versions get 409; a closed
month refuses every write through the services, the pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ledgers.choices import MonthStatus
from ledgers.models import ActivityPhoto, LedgerMonth, ServiceActivity
from ledgers.periods import current_month, format_month
from ledgers.services import (
    add_photo,
    confirm_activity,
    confirm_month,
    delete_activity,
    ensure_month,
    lock_month,
    reopen_month,
    submit_month,
    update_activity,
)
from pairing.models import AuditEvent

from .helpers import activity_input, api_payload, last_month_day, png_upload, record

pytestmark = pytest.mark.django_db


def _month(cast, day=None):
    day = day or last_month_day()
    return ensure_month(actor=cast.dave, village=cast.village_a1, month=day)


def _closed_month(cast, status):
    """Last month of village A1 with one confirmed and one pending-then-confirmed activity, closed."""
    day = last_month_day()
    activity = record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day)
    row = LedgerMonth.objects.get(village=cast.village_a1, month=day.replace(day=1))
    row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    if status in (MonthStatus.CONFIRMED, MonthStatus.LOCKED):
        row = confirm_month(actor=cast.bob, ledger_month=row, version=row.version)
    if status == MonthStatus.LOCKED:
        row = lock_month(actor=cast.alice, ledger_month=row, version=row.version)
    return row, activity


def test_submit_confirm_lock_and_each_step_is_audited(cast):
    row, _ = _closed_month(cast, MonthStatus.LOCKED)
    assert row.status == MonthStatus.LOCKED
    actions = set(AuditEvent.objects.filter(object_type="ledgers.ledgermonth").values_list("action", flat=True))
    assert {"submit", "confirm", "lock"} <= actions


def test_a_month_with_pending_activities_cannot_be_submitted(cast):
    day = last_month_day()
    pending = record(cast.frank, cast.village_a1, talents=[cast.talent_t], day=day)
    row = _month(cast, day)
    with pytest.raises(ValidationError) as exc:
        submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    assert "待确认" in str(exc.value)
    confirm_activity(actor=cast.dave, activity=pending)
    row.refresh_from_db()
    assert submit_month(actor=cast.dave, ledger_month=row, version=row.version).status == MonthStatus.SUBMITTED


def test_only_the_village_submits_and_only_its_township_confirms(cast):
    row = _month(cast)
    for outsider in (cast.frank, cast.erin, cast.bob):
        with pytest.raises(PermissionDenied):
            submit_month(actor=outsider, ledger_month=row, version=row.version)
    row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    with pytest.raises(PermissionDenied):
        confirm_month(actor=cast.dave, ledger_month=row, version=row.version)
    from django.http import Http404

    with pytest.raises(Http404):  # township B does not even see township A's month
        confirm_month(actor=cast.carol, ledger_month=row, version=row.version)
    assert LedgerMonth.objects.get(pk=row.pk).status == MonthStatus.SUBMITTED


def test_reopen_needs_a_reason_then_the_village_resubmits(cast):
    row, _ = _closed_month(cast, MonthStatus.CONFIRMED)
    with pytest.raises(ValidationError):
        reopen_month(actor=cast.bob, ledger_month=row, version=row.version, reason="")
    row = reopen_month(actor=cast.bob, ledger_month=row, version=row.version, reason="第3条活动时长有误")
    assert row.status == MonthStatus.OPEN and row.reopen_reason == "第3条活动时长有误"
    event = AuditEvent.objects.get(action="reopen")
    assert "第3条活动时长有误" in event.message and event.changes["status"] == ["confirmed", "open"]
    # Now the village can correct and resubmit.
    activity = ServiceActivity.objects.get()
    update_activity(
        actor=cast.dave, activity=activity, data=activity_input(talents=[cast.talent_t], day=activity.date, hours="1.5")
    )
    row.refresh_from_db()
    row = submit_month(actor=cast.dave, ledger_month=row, version=row.version)
    assert row.status == MonthStatus.SUBMITTED


def test_the_township_cannot_reopen_a_locked_month_but_the_county_can(cast):
    row, _ = _closed_month(cast, MonthStatus.LOCKED)
    with pytest.raises(PermissionDenied):
        reopen_month(actor=cast.bob, ledger_month=row, version=row.version, reason="更正")
    row = reopen_month(actor=cast.alice, ledger_month=row, version=row.version, reason="更正")
    assert row.status == MonthStatus.OPEN


def test_a_future_month_cannot_be_opened(cast):
    import datetime

    with pytest.raises(ValidationError):
        ensure_month(actor=cast.dave, village=cast.village_a1, month=current_month() + datetime.timedelta(days=40))


@pytest.mark.parametrize("status", [MonthStatus.SUBMITTED, MonthStatus.CONFIRMED, MonthStatus.LOCKED])
def test_a_closed_month_refuses_every_service_write(cast, status):
    row, activity = _closed_month(cast, status)
    day = activity.date
    before = (ServiceActivity.objects.count(), LedgerMonth.objects.get(pk=row.pk).version)
    attempts = [
        lambda: record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=day),
        lambda: record(cast.frank, cast.village_a1, talents=[cast.talent_t], day=day),
        lambda: update_activity(
            actor=cast.dave, activity=activity, data=activity_input(talents=[cast.talent_t], day=day)
        ),
        lambda: delete_activity(actor=cast.dave, activity=activity),
        lambda: add_photo(actor=cast.dave, activity=activity, upload=png_upload()),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "不能新增、修改或删除" in str(exc.value)
    assert (ServiceActivity.objects.count(), LedgerMonth.objects.get(pk=row.pk).version) == before
    assert not ActivityPhoto.objects.exists()


def test_moving_an_activity_into_a_closed_month_is_refused(cast):
    _closed_month(cast, MonthStatus.CONFIRMED)
    fresh = record(cast.dave, cast.village_a1, talents=[cast.talent_t])
    with pytest.raises(ValidationError):
        update_activity(
            actor=cast.dave, activity=fresh, data=activity_input(talents=[cast.talent_t], day=last_month_day())
        )


def test_a_locked_month_refuses_writes_through_the_api(cast, api):
    row, activity = _closed_month(cast, MonthStatus.LOCKED)
    api.force_authenticate(cast.dave)
    count = ServiceActivity.objects.count()
    day = activity.date
    responses = [
        api.post("/api/v1/activities/", api_payload(cast.village_a1, talents=[cast.talent_t], day=day), format="json"),
        api.patch(f"/api/v1/activities/{activity.pk}/", {"title": "改名"}, format="json"),
        api.delete(f"/api/v1/activities/{activity.pk}/"),
        api.post(f"/api/v1/activities/{activity.pk}/photos/", {"photo": png_upload()}, format="multipart"),
        api.post(f"/api/v1/ledger-months/{row.pk}/submit/", {"version": row.version}, format="json"),
    ]
    assert [r.status_code for r in responses] == [400] * 5, [r.json() for r in responses]
    assert "不能新增、修改或删除" in responses[0].json()["detail"]
    assert ServiceActivity.objects.count() == count
    assert ServiceActivity.objects.get(pk=activity.pk).title == activity.title


def test_a_locked_month_refuses_writes_through_the_pages(cast, client):
    _row, activity = _closed_month(cast, MonthStatus.LOCKED)
    client.force_login(cast.dave)
    count = ServiceActivity.objects.count()
    form = {
        "kind": "visit",
        "date": activity.date.isoformat(),
        "title": "补录",
        "content": "补录内容",
        "talents": [cast.talent_t.pk],
        "hours": "2",
        "beneficiaries": "1",
    }
    response = client.post(reverse("ledgers:activity_create"), form)
    assert response.status_code == 200 and "不能新增、修改或删除" in response.content.decode()
    response = client.post(reverse("ledgers:activity_edit", args=[activity.pk]), form)
    assert "不能新增、修改或删除" in response.content.decode()
    client.post(reverse("ledgers:activity_delete", args=[activity.pk]))
    client.post(reverse("ledgers:photo_add", args=[activity.pk]), {"photos": png_upload()})
    assert ServiceActivity.objects.count() == count
    assert ServiceActivity.objects.get(pk=activity.pk).title == activity.title
    assert not ActivityPhoto.objects.exists()


def test_a_stale_submit_or_confirm_gets_409_and_changes_nothing(cast, api):
    row = _month(cast)
    stale = row.version
    record(cast.dave, cast.village_a1, talents=[cast.talent_t], day=last_month_day())  # bumps the version
    api.force_authenticate(cast.dave)
    response = api.post(f"/api/v1/ledger-months/{row.pk}/submit/", {"version": stale}, format="json")
    assert response.status_code == 409 and "刷新" in response.json()["detail"]
    assert LedgerMonth.objects.get(pk=row.pk).status == MonthStatus.OPEN
    current = LedgerMonth.objects.get(pk=row.pk).version
    assert api.post(f"/api/v1/ledger-months/{row.pk}/submit/", {"version": current}, format="json").status_code == 200
    api.force_authenticate(cast.bob)
    response = api.post(f"/api/v1/ledger-months/{row.pk}/confirm/", {"version": current}, format="json")
    assert response.status_code == 409
    assert LedgerMonth.objects.get(pk=row.pk).status == MonthStatus.SUBMITTED
    response = api.post(f"/api/v1/ledger-months/{row.pk}/confirm/", {"version": current + 1}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_the_api_requires_a_version(cast, api):
    row = _month(cast)
    api.force_authenticate(cast.dave)
    response = api.post(f"/api/v1/ledger-months/{row.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_a_stale_page_submit_shows_a_chinese_message(cast, client):
    row = _month(cast)
    client.force_login(cast.dave)
    url = reverse("ledgers:month_action", args=[cast.village_a1.pk, format_month(row.month), "submit"])
    response = client.post(url, {"version": row.version + 5}, follow=True)
    assert "已被他人更新" in response.content.decode()
    assert LedgerMonth.objects.get(pk=row.pk).status == MonthStatus.OPEN


def test_reopen_and_resubmit_through_the_api(cast, api):
    row, _ = _closed_month(cast, MonthStatus.CONFIRMED)
    api.force_authenticate(cast.bob)
    response = api.post(f"/api/v1/ledger-months/{row.pk}/reopen/", {"version": row.version}, format="json")
    assert response.status_code == 400  # a reason is required
    response = api.post(
        f"/api/v1/ledger-months/{row.pk}/reopen/", {"version": row.version, "reason": "补充照片"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "open"
    api.force_authenticate(cast.dave)
    version = response.json()["version"]
    response = api.post(f"/api/v1/ledger-months/{row.pk}/submit/", {"version": version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
