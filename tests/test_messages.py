"""What people read when something fails is Chinese, human and true, through the API and the pages.

Each case below provokes one failure the way a person or the mini-program would, from a browser
that asks for English (Accept-Language: en), and the message must contain Chinese and no English
sentence. Two catalogue checks keep it so: every message Django, DRF and django-filter can show
has a Chinese translation, and every override in locale/ is still a message some library uses.
"""

import datetime
import gettext
import json
import re
from pathlib import Path

import django
import django_filters
import lxml.html
import pytest
import rest_framework
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from ledgers.choices import MonthStatus
from ledgers.models import LedgerMonth
from ledgers.periods import month_label, month_start
from tests.factories import PASSWORD
from tests.ledgers.helpers import api_payload, last_month_day

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row is a sentence someone was meant to read.
SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’\"“”-]+[A-Za-z]{2,}){2,}")


def english_sentences(text: str) -> list[str]:
    return SENTENCE.findall(text)


def json_text(response) -> str:
    def strings(value):
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [str(value)]

    return " ".join(strings(response.json()))


def page_text(response) -> str:
    """The text of the page's main part, as a person sees it (scripts and styles left out)."""
    document = lxml.html.fromstring(response.content.decode())
    for element in document.xpath("//script|//style"):
        element.drop_tree()
    main = document.xpath("//main") or [document]
    return " ".join(main[0].text_content().split())


@pytest.fixture
def api_en():
    return APIClient(**ENGLISH)


@pytest.fixture
def page_en():
    return Client(**ENGLISH)


@pytest.fixture
def locked_month(cast):
    return LedgerMonth.objects.create(
        village=cast.village_a1, month=month_start(last_month_day()), status=MonthStatus.LOCKED
    )


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


# --- the API ------------------------------------------------------------------------------------


def api_json_parse_error(cast, api, page):
    return api.post("/api/v1/auth/token/", data='{"username": ', content_type="application/json"), 400


def api_unsupported_media_type(cast, api, page):
    return api.post("/api/v1/auth/token/", data="username=a", content_type="text/plain"), 415


def api_method_not_allowed(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.delete("/api/v1/me/"), 405


def api_not_authenticated(cast, api, page):
    return api.get("/api/v1/villages/"), 401


def api_invalid_token(cast, api, page):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    return api.get("/api/v1/villages/"), 401


def api_malformed_token_header(cast, api, page):
    api.credentials(HTTP_AUTHORIZATION="Token two words")
    return api.get("/api/v1/villages/"), 401


def api_csrf_failed(cast, api, page):
    browser = APIClient(enforce_csrf_checks=True, **ENGLISH)
    browser.force_login(cast.alice)  # a session, as Swagger UI in the browser has
    return browser.post("/api/v1/auth/logout/"), 403


def api_throttled(cast, api, page):
    for _ in range(60):
        response = api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
        if response.status_code == 429:
            break
    return response, 429


def api_not_found(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.get("/api/v1/villages/999999/"), 404


def api_invalid_page(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.get("/api/v1/villages/", {"page": 999}), 404


def api_filter_invalid_choice(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.get("/api/v1/villages/", {"township": "abc", "kind": "castle"}), 400


def api_filter_not_a_number(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.get("/api/v1/activities/", {"talent": "abc", "year": "x"}), 400


def api_required_and_too_long(cast, api, page):
    api.force_authenticate(cast.dave)
    payload = {"village": cast.village_a1.pk, "type": "need", "category": "other", "description": "字" * 10000}
    return api.post("/api/v1/demands/", payload, format="json"), 400


def api_unknown_related_row(cast, api, page):
    api.force_authenticate(cast.alice)
    payload = {"talent": cast.talent_t.pk, "village": 999999, "year": timezone.localdate().year}
    return api.post("/api/v1/talent-assignments/", payload, format="json"), 400


def api_not_an_object(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.post("/api/v1/talent-assignments/", [1, 2], format="json"), 400


def api_password_too_short(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.post("/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "Ab1!"}, format="json"), 400


def api_password_numeric_and_common(cast, api, page):
    api.force_authenticate(cast.alice)
    return api.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "12345678"}, format="json"
    ), 400


def api_locked_month(cast, api, page, locked_month):
    api.force_authenticate(cast.dave)
    payload = api_payload(cast.village_a1, talents=[cast.talent_t], day=last_month_day())
    return api.post("/api/v1/activities/", payload, format="json"), 400


API_CASES = {
    "api_json_parse_error": (api_json_parse_error, "无法解析"),
    "api_unsupported_media_type": (api_unsupported_media_type, "text/plain"),
    "api_method_not_allowed": (api_method_not_allowed, "DELETE"),
    "api_not_authenticated": (api_not_authenticated, "登录"),
    "api_invalid_token": (api_invalid_token, "令牌"),
    "api_malformed_token_header": (api_malformed_token_header, "空格"),
    "api_csrf_failed": (api_csrf_failed, "刷新页面"),
    "api_throttled": (api_throttled, "秒后再试"),
    "api_not_found": (api_not_found, "管理范围"),
    "api_invalid_page": (api_invalid_page, "页码无效"),
    "api_filter_invalid_choice": (api_filter_invalid_choice, "可选范围"),
    "api_filter_not_a_number": (api_filter_not_a_number, "整数"),
    "api_required_and_too_long": (api_required_and_too_long, "最多 2000 字"),
    "api_unknown_related_row": (api_unknown_related_row, "不存在"),
    "api_not_an_object": (api_not_an_object, "JSON 对象"),
    "api_password_too_short": (api_password_too_short, "密码太短，至少需要 8 个字符"),
    "api_password_numeric_and_common": (api_password_numeric_and_common, "不能全是数字"),
    "api_locked_month": (api_locked_month, "县委组织部"),
}


@pytest.mark.parametrize("case", API_CASES)
def test_an_api_failure_answers_in_chinese(case, cast, api_en, page_en, request):
    provoke, expected = API_CASES[case]
    extra = {"locked_month": request.getfixturevalue("locked_month")} if "locked_month" in case else {}
    response, status = provoke(cast, api_en, page_en, **extra)
    assert response.status_code == status, response.content.decode()
    text = json_text(response)
    assert CJK.search(text), text
    assert english_sentences(text) == [], text
    assert expected in text


# --- the pages ----------------------------------------------------------------------------------


def page_csrf_failed(cast, api, page):
    browser = Client(enforce_csrf_checks=True, **ENGLISH)
    browser.force_login(cast.alice)
    return browser.post("/accounts/password/", {"old_password": PASSWORD}), 403


def page_password_too_short(cast, api, page):
    page.force_login(cast.alice)
    data = {"old_password": PASSWORD, "new_password1": "Ab1!", "new_password2": "Ab1!"}
    return page.post("/accounts/password/", data), 200


def page_passwords_differ(cast, api, page):
    page.force_login(cast.alice)
    data = {"old_password": "wrong", "new_password1": "Qingshan-2026!x", "new_password2": "Qingshan-2026!y"}
    return page.post("/accounts/password/", data), 200


def page_too_long(cast, api, page):
    page.force_login(cast.dave)
    data = {"type": "need", "category": "other", "title": "修路", "description": "字" * 10000, "people_wanted": "1"}
    return page.post("/ledgers/demands/new/", data), 200


def page_filter_error(cast, api, page):
    page.force_login(cast.alice)
    return page.get("/directory/villages/", {"township": "abc"}), 200


def page_method_not_allowed(cast, api, page):
    page.force_login(cast.dave)
    return page.get("/ledgers/activities/1/confirm/"), 405


def page_not_found(cast, api, page):
    page.force_login(cast.dave)
    return page.get("/ledgers/activities/999999/"), 404


def page_login_failed(cast, api, page):
    return page.post("/accounts/login/", {"username": "alice", "password": "wrong"}), 200


def page_locked_month(cast, api, page, locked_month):
    page.force_login(cast.dave)
    return page.get(locked_month.get_absolute_url()), 200


PAGE_CASES = {
    "page_csrf_failed": (page_csrf_failed, "页面已过期"),
    "page_password_too_short": (page_password_too_short, "密码太短，至少需要 8 个字符"),
    "page_passwords_differ": (page_passwords_differ, "当前密码不正确"),
    "page_too_long": (page_too_long, "最多 2000 字（当前 10000 字）"),
    "page_filter_error": (page_filter_error, "可选范围"),
    "page_method_not_allowed": (page_method_not_allowed, "返回上一页"),
    "page_not_found": (page_not_found, "管理范围"),
    "page_login_failed": (page_login_failed, "用户名或密码错误"),
    "page_locked_month": (page_locked_month, "请联系县委组织部退回"),
}


@pytest.mark.parametrize("case", PAGE_CASES)
def test_a_page_failure_explains_itself_in_chinese(case, cast, api_en, page_en, request, settings):
    settings.DEBUG = False
    provoke, expected = PAGE_CASES[case]
    extra = {"locked_month": request.getfixturevalue("locked_month")} if "locked_month" in case else {}
    response, status = provoke(cast, api_en, page_en, **extra)
    assert response.status_code == status
    text = page_text(response)
    assert english_sentences(text) == [], text
    assert expected in text, text
    assert response.get("Content-Language", "zh-hans") == "zh-hans"


# --- the messages that say who may do what, and the settings they quote ----------------------


def test_a_locked_month_names_the_county_and_a_confirmed_one_the_township(cast, api_en, locked_month):
    api_en.force_authenticate(cast.dave)
    payload = api_payload(cast.village_a1, talents=[cast.talent_t], day=last_month_day())
    assert "县委组织部" in json_text(api_en.post("/api/v1/activities/", payload, format="json"))
    locked_month.status = MonthStatus.CONFIRMED
    locked_month.save()
    text = json_text(api_en.post("/api/v1/activities/", payload, format="json"))
    assert "所属乡镇党委" in text and "县委组织部" not in text
    assert month_label(locked_month.month) in text


def test_only_the_county_is_named_for_reopening_a_locked_month(cast, api_en, locked_month):
    api_en.force_authenticate(cast.bob)  # township A's officer may reopen confirmed months, not locked ones
    response = api_en.post(f"/api/v1/ledger-months/{locked_month.pk}/reopen/", {"version": 1, "reason": "更正"})
    assert response.status_code == 403
    assert "只有县委组织部可以退回" in json_text(response)


def test_the_login_page_quotes_the_lockout_settings(page_en, settings, cast):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    assert "连续输错 3 次，账号将被锁定 15 分钟" in page_text(page_en.get("/accounts/login/"))
    failed = page_en.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert "连续输错 3 次，账号将被锁定 15 分钟" in page_text(failed)


# --- the catalogues -----------------------------------------------------------------------------

SITE = Path(django.__file__).parent.parent
# Message ids that are the same in Chinese (symbols, units, abbreviations).
SAME_IN_CHINESE = {"…", "IPv4", "IPv6", "URL", ":?.!", ":", "%s KB", "%s MB", "%s GB", "%s TB", "%s PB"}
SAME_IN_CHINESE |= {"p.m.", "a.m.", "PM", "AM"}  # Django's time-of-day names; our formats never use them


def po_messages(path: Path) -> dict[str, str | None]:
    """msgid → msgid_plural (or None) of a .po file (context-bound entries left out)."""
    messages = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if re.search(r"^msgctxt ", block, re.M):
            continue
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', block, re.M)
        text = _po_string(found.group(1)) if found else ""
        if text:
            messages[text] = _po_string(plural.group(1)) if plural else None
    return messages


def _po_string(quoted: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'("(?:[^"\\]|\\.)*")', quoted))


def mo_messages(path: Path) -> dict[str, str | None]:
    catalog = gettext.GNUTranslations(path.open("rb"))._catalog
    messages = {}
    for key in catalog:
        if isinstance(key, tuple):
            messages.setdefault(key[0], "plural")
        elif key and "\x04" not in key:
            messages.setdefault(key, None)
    return messages


def upstream_catalogues() -> dict[str, dict[str, str | None]]:
    return {
        "django": po_messages(SITE / "django/conf/locale/en/LC_MESSAGES/django.po"),
        "django.contrib.auth": po_messages(SITE / "django/contrib/auth/locale/en/LC_MESSAGES/django.po"),
        "rest_framework": mo_messages(Path(rest_framework.__file__).parent / "locale/en/LC_MESSAGES/django.mo"),
        "django_filters": po_messages(Path(django_filters.__file__).parent / "locale/zh_CN/LC_MESSAGES/django.po"),
    }


def test_every_message_of_django_drf_and_django_filter_has_chinese_wording():
    untranslated = []
    with translation.override("zh-hans"):
        for library, messages in upstream_catalogues().items():
            for text, plural in messages.items():
                shown = translation.ngettext(text, plural, 1) if plural else translation.gettext(text)
                if shown == text and text not in SAME_IN_CHINESE:
                    untranslated.append(f"{library}: {text}")
    assert untranslated == [], "add these to locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_override_in_locale_is_a_message_a_library_still_uses():
    ours = po_messages(Path(settings.LOCALE_PATHS[0]) / "zh_Hans/LC_MESSAGES/django.po")
    known = set().union(*upstream_catalogues().values())
    assert sorted(set(ours) - known) == []


def test_the_compiled_catalogue_matches_the_po_file():
    """A .po edit without msgfmt would change nothing on screen."""
    folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans/LC_MESSAGES"
    written = {}
    for block in (folder / "django.po").read_text(encoding="utf-8").split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        shown = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if found and shown and _po_string(found.group(1)):
            written[_po_string(found.group(1))] = _po_string(shown.group(1))
    catalog = gettext.GNUTranslations((folder / "django.mo").open("rb"))._catalog
    compiled = {(k[0] if isinstance(k, tuple) else k): v for k, v in catalog.items() if k and k != ("", 0)}
    assert compiled == written
