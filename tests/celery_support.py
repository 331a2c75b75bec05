"""A real Celery worker for tests marked `redis` (imported into tests/conftest.py).

How the suite treats Celery:
- Every test runs tasks eagerly, in-process, even when REDIS_URL is set (CI sets it for the
  PostgreSQL run): a test of what a task does should not depend on a worker being there.
- A test that needs the real thing (a message through Redis, a separate worker process, the
  worker's own database connection) asks for the `celery_worker` fixture and the
  `transactional_db` fixture, and carries `@pytest.mark.redis`. While it runs, `.delay()` and
  `.apply_async()` send to Redis and a worker subprocess (`celery -A config worker`) executes them.

Why PostgreSQL only: the worker is another process and must see the rows the test wrote. On
PostgreSQL it connects to pytest-django's test database by name, and `transactional_db` commits the
rows. The SQLite test database is in memory, private to the pytest process, so there is nothing
for a worker to connect to; these tests skip there with that reason.

Each pytest process routes all its tasks to a private queue (`pytest-<pid>-<random>`), so
concurrent runs (xdist workers, two CI runs, a developer's own worker on the same Redis) never
consume each other's messages.

Usage in a later test (reminders, rollups, exports):

    pytestmark = pytest.mark.redis

    def test_it_sends_reminders(celery_worker, transactional_db):
        ...rows...
        send_reminders.delay(...)
        celery_worker.wait_for(lambda: Notification.objects.filter(...).exists())
"""

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connections

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
QUEUE = f"pytest-{os.getpid()}-{secrets.token_hex(4)}"

# Before any task is sent (the queue objects are cached on first use), point this process at its
# private queue and make eager execution the default for every test.
celery_app.conf.task_default_queue = QUEUE
celery_app.conf.task_always_eager = True


def _database_url() -> str:
    db = connections["default"].settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{quote(db['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A running worker subprocess and the queue it consumes."""

    process: subprocess.Popen
    hostname: str
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, predicate, *, timeout: float = 30.0, interval: float = 0.2):
        """Poll `predicate` until it returns something truthy; fail with the worker's log if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(interval)
        pytest.fail(f"nothing happened within {timeout:.0f} s; worker log:\n{self.log()}")


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one worker for this pytest process, after the test database exists and before it is dropped."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: a real Celery worker needs Redis (CI sets it when Redis is reachable)")
    if connections["default"].vendor != "postgresql":
        pytest.skip(
            "a worker process cannot see the SQLite test database (in memory, private to pytest): "
            "run with DATABASE_URL=postgres://… to test against a real worker"
        )
    hostname = f"{QUEUE}@localhost"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # Close the connection after each task, so pytest-django can flush and later drop the database.
        "DB_CONN_MAX_AGE": "0",
        "PORTAL_MODE": "development",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--loglevel=INFO", "-Q", QUEUE, "-n", hostname,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = CeleryWorker(process=process, hostname=hostname, queue=QUEUE, log_path=log_path)
    try:
        # Ready means it answers a broadcast ping over Redis, which proves the broker path too.
        worker.wait_for(lambda: celery_app.control.ping(destination=[hostname], timeout=0.5), timeout=60)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # Kombu keeps the queue's routing table in Redis; remove what this run created.
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}")
        client.close()


@pytest.fixture
def celery_worker(_celery_worker_process):
    """The running worker; for the length of the test, tasks go through Redis instead of eagerly."""
    celery_app.conf.task_always_eager = False
    try:
        yield _celery_worker_process
    finally:
        celery_app.conf.task_always_eager = True


@dataclass
class CeleryBeat:
    """A running `celery beat` subprocess on django-celery-beat's DatabaseScheduler."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def celery_beat(celery_worker, tmp_path):
    """Beat for one test, started after the test has committed its PeriodicTask rows; it reads the
    schedule from the test database every second and sends to the worker's private queue (the
    PeriodicTask names it). Stopped before pytest-django flushes the database."""
    log_path = tmp_path / "beat.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DB_CONN_MAX_AGE": "0",
        "PORTAL_MODE": "development",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO", "--max-interval=1",
        "--scheduler=django_celery_beat.schedulers:DatabaseScheduler", f"--pidfile={tmp_path / 'beat.pid'}",
        f"--schedule={tmp_path / 'beat-schedule'}",
    ]  # fmt: skip
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield CeleryBeat(process=process, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
