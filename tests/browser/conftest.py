"""Browser journeys: Playwright's sync API driving Debian's chromium against pytest-django's live server.

How the pieces fit:
- `live_server` (pytest-django) serves the test database from a thread of this process, so every test
  here runs with a transactional database: the rows a test writes are committed, the server thread
  sees them, and the tables are emptied after the test. Serialized rollback puts back the rows the
  migrations wrote (the specialty vocabulary); pytest-django runs these tests after the ones that
  roll back. On SQLite in memory the server thread shares this thread's connection; on PostgreSQL
  it opens its own, as a real deployment does.
- Playwright's sync API runs its event loop in a greenlet on the test thread, so while a browser is
  up, Django's async-safety check sees "a running event loop" and refuses every ORM call, although
  all of them here are synchronous and on the thread that owns the connection (and asgiref would
  hand the ORM a second set of connections: see `browser`). The browser is therefore package-scoped:
  it starts when the first test of this folder runs, stops as soon as a test from another folder
  comes (xdist interleaves them), and DJANGO_ALLOW_ASYNC_UNSAFE is set only while it is up. No other
  test ever runs with the flag or with Playwright's loop.
- Nothing is downloaded: Playwright's own driver ships in the wheel, and the browser is the system's
  chromium (`apt-get install chromium chromium-l10n fonts-noto-cjk`; never `playwright install`).

Every test in this folder is marked `browser` (skip them with `-m "not browser"`). Each test gets
pages from `open_page`, which logs a cast member in through the login form with a zh-CN, Asia/Shanghai
browser and fails the test on any JavaScript error or server error the page met. `shot()` saves a
screenshot under artifacts/screenshots/ (gitignored); the few the README shows are copied to
docs/screenshots/ when BROWSER_DOC_SCREENSHOTS=1.
"""

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.otp import login_code

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", BASE_DIR / "artifacts" / "screenshots"))
DOC_SCREENSHOTS = BASE_DIR / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # with chromium-l10n: Chinese date pickers and file buttons, as a county's browser has
]
PACKAGES = "chromium chromium-l10n fonts-noto-cjk"
# Generous waits: the suite shares two cores with chromium and the live server (a wait ends as soon
# as the page is ready; only a real failure waits this long).
ACTION_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed  # open_page saves what the pages showed when a journey fails
    return report


def _utf8_locale() -> str:
    """zh_CN.UTF-8 where it is installed, else C.UTF-8: under a missing locale glibc falls back to
    ASCII "C", and chromium then saves a download with a Chinese file name as "download"."""
    import locale

    previous = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "zh_CN.UTF-8")
    except locale.Error:
        return "C.UTF-8"
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    return "zh_CN.UTF-8"


@pytest.fixture(scope="package")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y {PACKAGES} (or leave these out: -m 'not browser')"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a missing browser there is a broken CI, not a skip
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ours = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # With an event loop "running", Django's thread-critical connection store switches to a second,
    # context-var storage, so the ORM here would open new connections beside the ones pytest-django set
    # up (and handed to the live server). Point that storage at the same connection objects.
    for alias, connection in ours.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANGUAGE": "zh_CN", "LANG": _utf8_locale()},
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Problems:
    """What went wrong on a page that a journey's own assertions would not see."""

    items: list[str] = field(default_factory=list)

    def watch(self, page):
        page.on("pageerror", lambda error: self.items.append(f"JavaScript error on {page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.on("response", self._response)

    def _console(self, page, message):
        # A failed load is reported by _response below (a 404 page is visited on purpose, its assets are not).
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.items.append(f"console error on {page.url}: {message.text}")

    def _response(self, response):
        missing_asset = response.status == 404 and response.request.resource_type != "document"
        if response.status >= 500 or missing_asset:
            self.items.append(f"{response.status} for {response.url}")


@pytest.fixture
def open_page(browser, live_server, django_db_serialized_rollback, request) -> Iterator:
    """open_page(user=None, viewport=PHONE) -> a new browser's page, logged in as `user` when given.

    The database is transactional (the live server's thread must see the test's rows) with serialized
    rollback: each test starts from the migrated data (the specialty vocabulary), not an empty flush.
    """
    contexts = []
    problems = Problems()

    def open_(user=None, *, viewport=PHONE):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=viewport["width"] < 768,
            has_touch=viewport["width"] < 768,
            accept_downloads=True,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        if user is not None:
            log_in(page, user)
        return page

    failure = "failed-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
    for stale in ARTIFACTS.glob(f"{failure}-*.png"):
        stale.unlink()
    yield open_
    for number, context in enumerate(contexts):
        if getattr(request.node, "browser_failed", False):
            for index, page in enumerate(context.pages):
                shot(page, f"{failure}-{number}-{index}")
        context.close()
    assert not problems.items, "\n".join(problems.items)


def log_in(page, user, password=PASSWORD, *, expect_success=True):
    """Through the login form, with a real TOTP code for an account that needs one (tests/otp.py)."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码", exact=True).fill(password)
    code = login_code(user)
    if code:
        page.get_by_label("动态验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    if expect_success:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    else:
        page.wait_for_load_state()


def shot(page, name: str, *, doc: bool = False, full_page: bool = True) -> Path:
    """Save a screenshot of the page as artifacts/screenshots/<name>.png (and docs/ when asked)."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"screenshot names are lowercase words with dashes: {name!r}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if doc and os.environ.get("BROWSER_DOC_SCREENSHOTS") == "1":
        DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SCREENSHOTS / path.name)
    return path
