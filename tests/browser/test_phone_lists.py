"""Every list and table page is readable on a 360-px phone: cards or a few priority columns.

Each role's list pages, filled with a month's work, are measured in the browser (tests/browser/
narrow.py): the page must not scroll sideways (a table that scrolls inside its own box is allowed),
no cell with text may be narrower than two characters, and a card keeps every value's label.
"""

import datetime

from django.utils import timezone

from ledgers.choices import MeetingStatus
from ledgers.models import JointMeeting, TalentEvaluation
from ledgers.periods import format_month
from pairing.choices import AgreementStatus
from tests.ledgers.test_demands_support import publish
from tests.pairing.test_agreements_support import make_agreement

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
        "/ledgers/meetings/",
        "/ledgers/evaluations/",
        "/ledgers/reports/",
        "/ledgers/compliance/",
        "/ledgers/compliance/talents/?period={last}",
        "/ledgers/compliance/meetings/",
    ],
    "bob": ["/", "/ledgers/months/queue/", "/ledgers/evaluations/", "/ledgers/meetings/", "/ledgers/compliance/"],
    "dave": ["/", "/ledgers/", "/ledgers/activities/pending/", "/ledgers/demands/", "/ledgers/meetings/"],
    "erin": ["/", "/agreements/", "/ledgers/meetings/", "/ledgers/demands/claimable/"],
    "frank": ["/", "/ledgers/demands/claimable/", "/ledgers/activities/mine/"],
    "grace": ["/audit-log/"],
}


def _a_months_work(cast):
    """Rows on every list: submitted months, activities, a demand, a meeting, an evaluation, agreements."""
    scenes.submitted_months(cast)
    publish(cast, title="修缮村道路灯")
    make_agreement(cast.pairing_u_a1, status=AgreementStatus.SIGNED, year=timezone.localdate().year)
    make_agreement(cast.pairing_v_b1, status=AgreementStatus.SUBMITTED, year=timezone.localdate().year)
    JointMeeting.objects.create(
        pairing=cast.pairing_u_a1,
        held_at=timezone.now() - datetime.timedelta(days=3),
        place="甲一村党群服务中心会议室",
        unit_chair="王局长",
        village_chair="李书记",
        attendee_count=12,
        agenda="研究茶园提质增效项目",
        minutes="纪要",
        status=MeetingStatus.FINAL,
        finalized_at=timezone.now(),
    )
    last = scenes.last_month()
    TalentEvaluation.objects.create(
        talent=cast.talent_t, village=cast.village_a1, year=last.year, quarter=(last.month - 1) // 3 + 1, score=92
    )


def test_every_list_page_is_readable_on_a_360_px_phone(cast, open_page):
    _a_months_work(cast)
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
