import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.celery_support import _celery_worker_process, celery_beat, celery_worker  # noqa: F401 - fixtures (see module)
from tests.factories import build_cast
from tests.rows import build_rows

# Property tests check behaviour, not speed (speed lives in bench/). On the shared 2-core machine
# Hypothesis's per-example deadline and too-slow health check measure the neighbours' load instead.
hypothesis_settings.register_profile("portal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("portal")


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def api():
    """An API client; log in with `api.force_authenticate(user)`."""
    return APIClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def form_context(cast):
    """What the apps' form constructors ask for by name (tests/forms_walk.py builds every form)."""
    rows = build_rows(cast)
    return {
        "user": cast.alice,
        "village": cast.village_a1,
        "pairing": cast.pairing_u_a1,
        "agreement": rows.agreement,
        "demand": rows.demand,
    }
