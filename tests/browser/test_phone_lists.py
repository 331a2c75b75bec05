"""Every list and table page is readable on a 360-px phone: cards or a few priority columns.

Each role's list pages, filled with a month's work, are measured in the browser (tests/browser/
narrow.py): the page must not scroll sideways (a table that scrolls inside its own box is allowed),
no cell with text may be narrower than two characters, and a card keeps every value's label.
"""

from ledgers.periods import format_month

from . import scenes
from .conftest import shot
from .narrow import NARROW_JS

NARROW = {"width": 360, "height": 780}

LIST_PAGES = {
    "alice": [
        "/",
        "/directory/townships/",
        "/directory/villages/",
        "/directory/units/",
        "/directory/talents/",
        "/directory/assignments/",
        "/directory/pairings/",
        "/directory/honorary-heads/",
        "/agreements/",
        "/ledgers/activities/",
        "/ledgers/months/",
        "/ledgers/months/queue/",
        "/ledgers/demands/",
        "/ledgers/demands/daily/",
        "/ledgers/demands/rates/",
        "/ledgers/meetings/",
        "/ledgers/evaluations/",
        "/ledgers/reports/",
        "/ledgers/compliance/",
        "/ledgers/compliance/talents/?period={last}",
        "/ledgers/compliance/meetings/",
    ],
    "bob": ["/", "/ledgers/months/queue/", "/ledgers/evaluations/", "/ledgers/meetings/", "/ledgers/compliance/"],
    "dave": [
        "/",
        "/ledgers/",
        "/ledgers/activities/pending/",
        "/ledgers/demands/",
        "/ledgers/demands/rates/",
        "/ledgers/meetings/",
    ],
    "erin": ["/", "/agreements/", "/ledgers/meetings/", "/ledgers/demands/claimable/"],
    "frank": ["/", "/ledgers/demands/claimable/", "/ledgers/activities/mine/"],
    "grace": ["/audit-log/"],
}


def test_every_list_page_is_readable_on_a_360_px_phone(cast, open_page):
    scenes.a_months_work(cast)
    last = format_month(scenes.last_month())
    failures = []
    for who, urls in LIST_PAGES.items():
        page = open_page(cast.users[who], viewport=NARROW)
        for url in urls:
            url = url.format(last=last)
            response = page.goto(url)
            assert response.status == 200, (who, url, response.status)
            problems = page.evaluate(NARROW_JS)
            if problems:
                failures.append(f"{who} {url}: " + "; ".join(problems[:3]))
                shot(page, "narrow-" + (who + url).replace("/", "-").replace("?", "-").replace("=", "-").strip("-"))
        page.context.close()
    assert not failures, "\n".join(failures)
