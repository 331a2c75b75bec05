"""The demo shows the product, not Django (scripts/demo's settings, in a process of their own).

pytest-django turns DEBUG off for every test, so an in-process test cannot see what the demo's
settings do. This one starts a Python process with exactly the variables scripts/demo exports, builds
the test cast in an in-memory database there, and requests pages with Django's test client.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, os
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
from ledgers.services import add_photo
from pairing.choices import Role
from tests.factories import build_cast, make_user
from tests.ledgers.helpers import png_upload, record


def photo(secretary, village, talent):
    activity = record(secretary, village, talents=[talent])
    return add_photo(actor=secretary, activity=activity, upload=png_upload())


def fetch(url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {"status": response.status_code, "type": response["Content-Type"], "body": body.decode(errors="replace")}


settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
cast = build_cast()
own = photo(cast.dave, cast.village_a1, cast.talent_t)  # dave is the secretary of village a1
other_secretary = make_user("secretary_b1", Role.VILLAGE_SECRETARY, village=cast.village_b1)
other = photo(other_secretary, cast.village_b1, cast.talent_t2)  # another township's village
client = Client()
client.force_login(cast.dave)
print(json.dumps({
    "debug": settings.DEBUG,
    "unknown": fetch("/no-such-page/"),
    "own_photo": fetch(reverse("ledgers:photo", args=[own.pk, "full"])),
    "other_photo": fetch(reverse("ledgers:photo", args=[other.pk, "full"])),
    "other_media": fetch(settings.MEDIA_URL + other.image.name),
    "static": fetch("/static/portal/portal.css"),
}))
"""


def demo_environment(media_root: Path) -> dict[str, str]:
    """The environment scripts/demo gives the portal: its `export NAME=value` lines, nothing else."""
    exports = dict(re.findall(r"^export (\w+)=(\S+)$", (BASE_DIR / "scripts" / "demo").read_text(), re.M))
    assert exports.get("DEMO_MODE") == "1"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "PORTAL_MODE", "DEMO_MODE", "REDIS_URL"}}
    env.update(exports, DATABASE_URL="sqlite://:memory:", MEDIA_ROOT=str(media_root))
    return env


def test_the_demo_answers_with_the_portals_chinese_pages_and_serves_photos_only_through_the_scope_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=demo_environment(tmp_path / "media"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    assert pages["debug"] is False

    for name in ("unknown", "other_photo", "other_media"):
        page = pages[name]
        assert page["status"] == 404, name
        assert "未找到该页面" in page["body"], name  # templates/404.html, in the portal's layout
        assert "URLconf" not in page["body"] and "Page not found" not in page["body"], name
    assert pages["own_photo"]["status"] == 200 and pages["own_photo"]["type"] == "image/png"
    # With DEBUG off, WhiteNoise serves the static files that runserver would have served.
    assert pages["static"]["status"] == 200 and "text/css" in pages["static"]["type"]


def test_no_route_serves_uploaded_files_even_with_debug_on(settings):
    """A developer's DEBUG=1 must not open MEDIA_ROOT around the scoped photo and scan views."""
    import importlib

    from django.urls import Resolver404, clear_url_caches, resolve

    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        try:
            match = resolve(f"{settings.MEDIA_URL}activity-photos/photo.png")
        except Resolver404:
            match = None
        assert match is None, match
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()
