"""With the broker unreachable (a closed port), web requests still succeed and the notifications
are written in-process; their email/SMS is delivered then or by the sweeping job."""

import time

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from ledgers.models import LedgerMonth, Notification
from ledgers.periods import format_month
from tests.ledgers.helpers import last_month_day, record

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/3"  # nothing listens on port 1


@pytest.fixture
def broker_down(monkeypatch):
    from pairing.core import queueing

    monkeypatch.setattr(queueing, "_down_until", 0.0)
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = CLOSED_PORT
    celery_app.conf.task_always_eager = False
    _forget_connections()  # connections are made from the new URL
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _forget_connections()


def _forget_connections() -> None:
    """Drop the app's cached connection and producer pools, so the next publish connects to the
    broker URL now configured (a pool left from a test with a real worker would still reach Redis,
    and the closed port would leak into that worker's next test)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_submitting_a_month_succeeds_and_notifies_with_the_broker_down(
    client, cast, broker_down, django_capture_on_commit_callbacks
):
    record(cast.dave, cast.village_a1, day=last_month_day(), talents=[cast.talent_t])
    row = LedgerMonth.objects.get(village=cast.village_a1)
    client.force_login(cast.dave)
    url = reverse("ledgers:month_action", args=[cast.village_a1.pk, format_month(row.month), "submit"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"version": row.version})
    assert response.status_code == 302
    assert time.monotonic() - started < 15  # the broker's short connection timeout, not a hang
    row.refresh_from_db()
    assert row.status == "submitted"
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["bob"]


def test_after_one_failure_the_broker_is_skipped_for_a_while(cast, broker_down, monkeypatch):
    from ledgers.tasks import deliver_notifications
    from pairing.core import queueing

    queueing.enqueue(deliver_notifications, [])
    calls = []
    monkeypatch.setattr(deliver_notifications, "apply_async", lambda *a, **k: calls.append(a))
    queueing.enqueue(deliver_notifications, [])
    assert calls == []  # ran in-process without trying the broker again


def test_a_task_that_fails_in_process_is_logged_not_raised(cast, broker_down, caplog):
    from ledgers.tasks import send_event
    from pairing.core.queueing import enqueue

    enqueue(send_event, "month_submitted", 999999, "x")  # no such month: the handler raises
    assert "failed in-process" in caplog.text


def test_undelivered_sms_is_sent_by_the_sweeping_job(cast):
    import datetime

    from django.utils import timezone

    from ledgers import sms
    from pairing.core import jobs

    old = timezone.now() - datetime.timedelta(minutes=10)
    Notification.objects.create(
        talent=cast.talent_t2, kind="reminder", dedupe_key="k", title="提醒", channels="sms", created_at=old
    )
    sms.outbox.clear()
    assert jobs.get("deliver_pending_notifications").run(on=timezone.localdate()) == ["补发：已发送 1 条"]
    assert jobs.get("deliver_pending_notifications").run(on=timezone.localdate()) == ["补发：已发送 0 条"]
    assert [p for p, _ in sms.outbox] == [cast.talent_t2.phone]
