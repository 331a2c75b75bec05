"""The Celery app. Without REDIS_URL the settings make every task run eagerly in-process."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("pairing_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _sync_jobs(sender=None, **kwargs):
    # Each registered job gets its PeriodicTask before the scheduler loads them (pairing/core/jobs.py).
    from pairing.core.jobs import sync_beat

    sync_beat()
