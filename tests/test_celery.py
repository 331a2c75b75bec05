"""Celery: the token-pruning task, its beat schedule, and a round trip through a real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler
from rest_framework.authtoken.models import Token

from config.celery import app as celery_app
from pairing.choices import Role
from pairing.tasks import prune_expired_tokens
from tests.factories import make_user


def _tokens(settings):
    """One token issued just past the TTL, one issued just now."""
    old_user = make_user("old_token_user", Role.SYSTEM_ADMIN)
    new_user = make_user("new_token_user", Role.SYSTEM_ADMIN)
    old = Token.objects.create(user=old_user)
    new = Token.objects.create(user=new_user)
    issued = timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1)
    Token.objects.filter(pk=old.pk).update(created=issued)
    return old, new


@pytest.mark.django_db
def test_it_deletes_only_tokens_older_than_the_ttl(settings):
    _old, new = _tokens(settings)

    assert prune_expired_tokens.delay().get() == 1

    assert list(Token.objects.values_list("key", flat=True)) == [new.key]


@pytest.mark.django_db
def test_a_second_run_changes_nothing(settings):
    _tokens(settings)
    prune_expired_tokens.delay()

    assert prune_expired_tokens.delay().get() == 0
    assert Token.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_beat_schedules_it_in_the_database():
    # The DatabaseScheduler copies settings.CELERY_BEAT_SCHEDULE into django-celery-beat's table.
    # It closes stale connections as beat does, which a test wrapped in a transaction cannot survive.
    DatabaseScheduler(app=celery_app)

    entry = PeriodicTask.objects.get(name="prune-expired-api-tokens")
    assert entry.task == "pairing.tasks.prune_expired_tokens"
    assert entry.enabled
    assert entry.task in celery_app.tasks


@pytest.mark.redis
def test_a_real_worker_prunes_tokens_through_redis(celery_worker, transactional_db, settings):
    old, new = _tokens(settings)

    prune_expired_tokens.delay()

    celery_worker.wait_for(lambda: not Token.objects.filter(pk=old.pk).exists())
    assert Token.objects.filter(pk=new.pk).exists()
    assert "pairing.tasks.prune_expired_tokens" in celery_worker.log()


@pytest.mark.django_db(transaction=True)
def test_every_registered_job_gets_a_shanghai_crontab_calling_run_job():
    from pairing.core import jobs

    jobs.sync_beat()
    entry = PeriodicTask.objects.get(name="talent_monthly_service")
    assert entry.task == "pairing.tasks.run_job" and entry.kwargs == '{"name": "talent_monthly_service"}'
    assert (entry.crontab.minute, entry.crontab.hour, entry.crontab.day_of_month) == ("0", "9", "20")
    assert str(entry.crontab.timezone) == "Asia/Shanghai"
    # An admin's change stays: a second sync leaves the row alone.
    entry.enabled = False
    entry.save()
    assert "talent_monthly_service" not in jobs.sync_beat()
    assert not PeriodicTask.objects.get(name="talent_monthly_service").enabled
    assert set(jobs.discover()) == set(PeriodicTask.objects.filter(task=jobs.TASK).values_list("name", flat=True))


@pytest.mark.django_db
def test_the_run_job_task_runs_a_job_as_of_a_date(cast):
    from ledgers.models import Notification
    from pairing.tasks import run_job

    run_job.delay("talent_monthly_service", "2026-11-20")
    run_job.delay("talent_monthly_service", "2026-11-20")
    assert Notification.objects.filter(rule="talent_monthly_service", period="2026-11").count() == 3


@pytest.mark.redis
def test_beat_fires_a_job_through_redis_to_a_real_worker(celery_worker, transactional_db, request):
    import json

    from django_celery_beat.models import IntervalSchedule

    from ledgers.models import Notification
    from tests.factories import build_cast

    cast = build_cast()
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test-talent-reminder",
        task="pairing.tasks.run_job",
        interval=every_second,
        kwargs=json.dumps({"name": "talent_monthly_service", "on_iso": "2026-11-20"}),
        queue=celery_worker.queue,
    )
    beat = request.getfixturevalue("celery_beat")

    celery_worker.wait_for(lambda: Notification.objects.filter(recipient=cast.frank).exists(), timeout=60)
    # Beat keeps firing every second; the dedupe key keeps it at one row per person.
    celery_worker.wait_for(lambda: celery_worker.log().count("pairing.tasks.run_job") >= 6, timeout=60)
    assert Notification.objects.filter(rule="talent_monthly_service").count() == 3, beat.log()


@pytest.mark.django_db
def test_an_admin_runs_a_job_now_from_the_schedule(client, cast, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from ledgers.models import Notification
    from pairing.core import jobs
    from pairing.models import AuditEvent
    from tests.otp import verify_session

    jobs.sync_beat()
    admin = make_user("root", Role.SYSTEM_ADMIN)
    admin.is_staff = True  # the system administrator keeps the schedules (三员分立)
    admin.save()
    client.force_login(admin)
    verify_session(client, admin)  # the admin site wants a second factor
    entry = PeriodicTask.objects.get(name="talent_monthly_service")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:django_celery_beat_periodictask_changelist"),
            {"action": "run_now", "_selected_action": [entry.pk]},
        )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="run_job", user_id=admin.pk).exists()
    assert Notification.objects.filter(rule="talent_monthly_service").exists()
