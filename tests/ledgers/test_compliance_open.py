"""Before a rule's deadline nothing is behind: what is not done yet is open (待完成, 进行中)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers import compliance

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year  # the cast's talents are assigned this year


def test_on_the_second_of_a_month_the_talents_not_yet_served_are_open_not_behind(cast):
    rule, period = compliance.RULES["talents"], compliance.Period("month", YEAR, 3)
    second = compliance.rule_figures(cast.alice, rule, period, datetime.date(YEAR, 3, 2))
    assert (second.behind, second.open, second.total) == (0, 2, 2)
    assert second.rate == 0.0
    rows = compliance.behind_rows(cast.alice, rule, period, datetime.date(YEAR, 3, 2))
    assert rows == []
    queryset, _ = compliance.behind_queryset(cast.alice, rule, period, datetime.date(YEAR, 3, 2), still_open=True)
    assert queryset.count() == 2
    after = compliance.rule_figures(cast.alice, rule, period, datetime.date(YEAR, 4, 1))
    assert (after.behind, after.open) == (2, 0)


def test_a_quarter_counts_ended_months_as_behind_and_the_running_one_as_open(cast):
    rule, quarter = compliance.RULES["talents"], compliance.Period("quarter", YEAR, 1)
    figures = compliance.rule_figures(cast.alice, rule, quarter, datetime.date(YEAR, 2, 10))
    assert (figures.behind, figures.open) == (2, 0)  # January has ended unmet: behind, whatever February does


def test_a_meeting_not_yet_held_is_open_until_the_half_year_ends(cast):
    rule, half = compliance.RULES["meetings"], compliance.Period("half", YEAR, 1)
    during = compliance.rule_figures(cast.alice, rule, half, datetime.date(YEAR, 5, 1))
    assert (during.behind, during.open) == (0, 2)
    after = compliance.rule_figures(cast.alice, rule, half, datetime.date(YEAR, 7, 1))
    assert (after.behind, after.open) == (2, 0)


def test_the_board_names_count_and_rate_and_keeps_red_for_what_is_behind(client, cast):
    client.force_login(cast.alice)
    past = compliance.Period("month", YEAR - 1, 12) if timezone.localdate().month == 1 else None
    period = past or compliance.Period("month", YEAR, timezone.localdate().month - 1)
    html = client.get(reverse("ledgers:compliance_board"), {"period": period.param}).content.decode()
    # Both talents missed an ended month: the cell says how many and the rate, in words.
    assert (
        '<span class="text-danger fw-semibold">未达标 1 人</span><span class="text-secondary">，达标率 0.0%</span>'
        in html
    )
    assert "全部达标" not in html or 'class="text-success">全部达标' in html


def test_the_home_to_do_says_open_before_the_deadline(client, cast, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(YEAR, 3, 2))
    client.force_login(cast.alice)
    html = client.get(reverse("pairing:home")).content.decode()
    assert "待完成 2" in html and "未达标" not in html
    assert f"{reverse('ledgers:compliance_rule', args=['talents'])}?period={YEAR}-03&amp;open=1" in html
