"""pairing's nightly job: expired sessions and API tokens are cleared; a rerun finds nothing."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework.authtoken.models import Token

from pairing.core import jobs

pytestmark = pytest.mark.django_db


def test_it_clears_expired_sessions_and_tokens_only(cast, settings):
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    old, new = Token.objects.create(user=cast.alice), Token.objects.create(user=cast.bob)
    Token.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1)
    )
    job = jobs.get("clear_expired_sessions")

    assert job.run(on=timezone.localdate(), dry_run=True) == ["将删除过期会话 1 个"]
    assert job.run(on=timezone.localdate()) == ["删除过期会话 1 个", "删除过期令牌 1 个"]
    assert job.run(on=timezone.localdate()) == ["删除过期会话 0 个", "删除过期令牌 0 个"]
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(Token.objects.values_list("key", flat=True)) == [new.key]
