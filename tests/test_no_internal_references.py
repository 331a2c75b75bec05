"""No internal references on screen: every role's pages, crawled from its home page, read as a
county's staff expect: no spec citations (（000 §四(四)2）, DOMAIN), no item codes (D1, R1), no
Django's `---------`, no English labels or English words in audit messages (规模 county)."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client

from pairing import demo
from pairing.models import AuditEvent, User
from tests.browser import scenes

pytestmark = pytest.mark.django_db

# Words a Chinese page may carry in Latin letters: file kinds, units, and the portal's name parts.
ALLOWED_WORDS = {"PDF", "Excel", "MB", "KB", "IP", "JPG", "PNG", "xlsx", "API"}
FORBIDDEN = [
    (re.compile(r"§"), "a spec citation"),
    (re.compile(r"DOMAIN"), "a reference to DOMAIN.md"),
    (re.compile(r"(?<![A-Za-z0-9])[DRP]\d{1,3}(?![A-Za-z0-9])"), "an item code"),
    (re.compile(r"-{5,}"), "Django's empty choice"),
]
SKIP = re.compile(r"/(accounts/logout|api/|admin/|static/|media/)|export|\.xlsx|/print/|/scan/|/photos/")
PAGES_PER_ROLE = 50


class VisibleText(HTMLParser):
    """The text a person reads: body text, option labels, placeholders and titles, not scripts."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "data-confirm"):
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _problems(text: str, names: set[str]) -> list[str]:
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    found = [f"{what}: {m.group(0)!r}" for pattern, what in FORBIDDEN for m in pattern.finditer(text)]
    english = [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED_WORDS]
    return found + [f"English: {w!r}" for w in english]


def _crawl(user, names: set[str]) -> dict[str, list[str]]:
    client = Client()
    client.force_login(user)
    seen, queue, problems = set(), ["/"], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        # The page's own text only: the numbers and names of the demo are not under test here.
        found = _problems(" ".join(parser.parts), names)
        if found:
            problems[url] = sorted(set(found))[:5]
        for href in parser.links:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.netloc or not parsed.path.startswith("/") or SKIP.search(href):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query and "page=" not in parsed.query else "")
            if path not in seen:
                queue.append(path)
    return problems


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "erin", "frank", "grace"])
def test_no_page_shows_an_internal_reference(cast, who):
    scenes.a_months_work(cast)
    # The demo's own audit row, as seed_demo writes it (its scale was once shown as "county").
    AuditEvent.objects.create(
        username="seed_demo",
        county_id=cast.county.pk,
        action="seed_demo",
        object_type="pairing.county",
        object_id=str(cast.county.pk),
        object_repr=cast.county.name,
        message=f"生成演示数据（规模：{demo.SCALES['county'].label}）。",
    )
    # The test cast's people have English names (Alice, Bob…) and every account a Latin login name
    # (seed_demo writes the demo's audit rows): those are data, not labels.
    names = {n for u in User.objects.all() for n in (u.username, u.display_name)} | {"seed_demo"}
    problems = _crawl(cast.users[who], names)
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
