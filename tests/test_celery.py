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
