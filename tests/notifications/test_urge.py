"""催办 from the compliance board: who may, whom it reaches, once per row, rule and period;
the board shows who was reminded; the reminder log tells who has complied since."""

import pytest
from django.urls import reverse

from ledgers.choices import NotificationKind
from ledgers.models import Notification
from pairing.models import AuditEvent
from tests.ledgers.helpers import served_in

pytestmark = pytest.mark.django_db

PERIOD = "2026-11"


def urge_url(code="talents"):
    return reverse("ledgers:compliance_urge", args=[code]) + f"?period={PERIOD}"


def urges():
    return Notification.objects.filter(kind=NotificationKind.URGE)


def test_a_township_officer_urges_the_chosen_talent_once(client, cast):
    client.force_login(cast.bob)
    response = client.post(urge_url(), {"row": [cast.assignment_t.pk]})
    assert response.status_code == 302
    client.post(urge_url(), {"row": [cast.assignment_t.pk]})
    row = urges().get()
    assert (row.recipient, row.sent_by, row.rule, row.period, row.subject_id) == (
        cast.frank, cast.bob, "talents", PERIOD, cast.assignment_t.pk
    )  # fmt: skip
    assert "Bob提醒您" in row.body
    assert AuditEvent.objects.filter(action="urge", user_id=cast.bob.pk).count() == 2


def test_urging_all_reaches_only_rows_in_the_officers_scope(client, cast):
    client.force_login(cast.bob)
    client.post(urge_url(), {"all": "1"})
    assert list(urges().values_list("recipient__username", flat=True)) == ["frank"]  # not 李四 in township B
    client.force_login(cast.alice)
    client.post(urge_url(), {"all": "1"})
    # The county reaches 李四 (no account: SMS naming the talent); frank was urged already for this row.
    assert sorted(n.recipient.username if n.recipient else n.talent.name for n in urges()) == ["frank", "李四"]


def test_a_row_not_on_the_list_or_out_of_scope_is_not_urged(client, cast):
    served_in(cast.talent_t, cast.village_a1, f"{PERIOD}-01")
    client.force_login(cast.bob)
    client.post(urge_url(), {"row": [cast.assignment_t.pk, cast.assignment_t2.pk]})
    assert not urges().exists()


@pytest.mark.parametrize("username", ["dave", "erin", "frank"])
def test_other_roles_cannot_urge(client, cast, username):
    client.force_login(getattr(cast, username))
    assert client.post(urge_url(), {"all": "1"}).status_code == 404
    assert not urges().exists()


def test_the_list_shows_who_was_urged_when_and_by_whom(client, cast):
    client.force_login(cast.bob)
    client.post(urge_url(), {"row": [cast.assignment_t.pk]})
    page = client.get(reverse("ledgers:compliance_rule", args=["talents"]) + f"?period={PERIOD}")
    html = page.content.decode()
    assert "已催办" in html and "Bob" in html and "催办所选" in html


def test_the_reminder_log_tells_who_complied_since(client, cast):
    from pairing.core import jobs

    jobs.get("talent_monthly_service").run(on=__import__("datetime").date(2026, 11, 20), dry_run=False)
    client.force_login(cast.alice)
    client.post(urge_url(), {"row": [cast.assignment_t2.pk]})
    served_in(cast.talent_t, cast.village_a1, f"{PERIOD}-01")
    page = client.get(reverse("ledgers:reminder_log", args=["talents"]) + f"?period={PERIOD}")
    assert page.status_code == 200
    entries = page.context["entries"]
    assert {(e["who"], e["kind"], e["how"], e["complied"]) for e in entries} == {
        ("Frank", "提醒", "站内信", True),
        ("李四（未开通账号）", "提醒", "短信", False),
        ("李四（未开通账号）", "催办", "短信", False),
    }  # the other county's 王五 is not in alice's log
    assert (page.context["complied"], page.context["still_behind"]) == (1, 1)
    client.force_login(cast.bob)
    assert client.get(reverse("ledgers:reminder_log", args=["talents"])).status_code == 404


def test_urging_all_from_a_list_narrowed_to_a_township_reaches_only_that_township(client, cast):
    """The county opens township A's list and urges all: 李四 in township B is not on that list."""
    client.force_login(cast.alice)
    page = client.get(
        reverse("ledgers:compliance_rule", args=["talents"]) + f"?period={PERIOD}&township={cast.township_a.pk}"
    )
    assert f"township={cast.township_a.pk}" in page.content.decode().split('id="urge-form"')[0].rsplit("<form", 1)[1]
    response = client.post(urge_url() + f"&township={cast.township_a.pk}", {"all": "1"})
    assert response["Location"].endswith(f"&township={cast.township_a.pk}")
    assert list(urges().values_list("recipient__username", flat=True)) == ["frank"]
