"""The ledger's seed_demo builder: three years, realistic density, months in every state."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from ledgers.choices import ActivityStatus, MonthStatus
from ledgers.models import ActivityParticipant, LedgerMonth, ServiceActivity
from pairing.models import TalentAssignment, User

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15"


def seed(settings, demo_mode=True):
    settings.DEMO_MODE = demo_mode
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--today", TODAY, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_ledger_covers_three_years_with_months_in_every_state(settings):
    output = seed(settings)
    assert "ledgers.demo.build" in output and "工作台账" in output
    dates = ServiceActivity.objects.order_by("date").values_list("date", flat=True)
    assert f"{dates.first():%Y-%m}" == "2023-07"  # 36 months back from June 2026
    assert dates.last().isoformat() <= TODAY
    assert set(LedgerMonth.objects.values_list("status", flat=True)) == set(MonthStatus.values)
    assert LedgerMonth.objects.values("village", "month").distinct().count() == 10 * 36

    # Pending records only where the month is still open (a month is never submitted with any).
    for activity in ServiceActivity.objects.filter(status=ActivityStatus.PENDING).select_related("village"):
        month = LedgerMonth.objects.get(village=activity.village, month=activity.date.replace(day=1))
        assert month.status == MonthStatus.OPEN

    # Every talent participant was assigned to that village that year.
    for participant in ActivityParticipant.objects.filter(talent__isnull=False).select_related("activity")[:500]:
        assert TalentAssignment.objects.filter(
            talent_id=participant.talent_id,
            village_id=participant.activity.village_id,
            year=participant.activity.date.year,
        ).exists()

    # Density: most talents who serve a village this year served in most months so far.
    served = Counter(
        ActivityParticipant.objects.filter(activity__date__year=2026, talent__isnull=False)
        .values_list("talent_id", "activity__date__month")
        .distinct()
        .values_list("talent_id", flat=True)
    )
    assigned = TalentAssignment.objects.filter(year=2026).count()
    assert assigned and sum(1 for months in served.values() if months >= 4) >= 0.6 * assigned
    per_village = (
        ServiceActivity.objects.filter(date__year=2025)
        .values("village")
        .annotate(n=Count("pk", filter=Q(status=ActivityStatus.CONFIRMED)))
        .values_list("n", flat=True)
    )
    assert max(per_village) > 1.2 * min(per_village)  # diligent and lagging villages differ


def test_the_demo_ledger_builds_without_demo_accounts(settings):
    seed(settings, demo_mode=False)
    assert not User.objects.exists()
    assert ServiceActivity.objects.filter(recorded_by__isnull=True).exists()


def test_reset_removes_the_demo_ledger(settings):
    seed(settings)
    settings.DEMO_MODE = True
    call_command("seed_demo", "--scale", "small", "--today", TODAY, "--reset", stdout=StringIO(), stderr=StringIO())
    assert ServiceActivity.objects.count() > 0  # rebuilt, not duplicated
    assert LedgerMonth.objects.count() == 10 * 36


# --- the current month, built by the ledger builder alone --------------------------------------------------


def build_ledger(monkeypatch, today: str) -> dict:
    """The directory and the ledger builder for `today`, over two months (the current and the last)
    of a county with enough talents for daily counts to mean something; returns date -> activities."""
    import random

    from django.core.management.base import OutputWrapper

    from ledgers import demo as ledger_demo
    from pairing import demo

    monkeypatch.setattr(ledger_demo, "MONTHS", 2)
    ctx = demo.DemoContext(
        rng=random.Random("1/pairing.demo.build_directory"),
        scale=demo.Scale("test", counties=1, townships=3, villages=30, units=12, talents=1500),
        today=datetime.date.fromisoformat(today),
        stdout=OutputWrapper(StringIO()),
    )
    demo.build_directory(ctx)
    ctx.rng = random.Random("1/ledgers.demo.build")
    ledger_demo.build(ctx)
    return Counter(ServiceActivity.objects.values_list("date", flat=True))


def test_on_the_first_of_a_month_the_current_month_holds_one_days_activities(monkeypatch):
    per_day = build_ledger(monkeypatch, "2026-12-01")
    november = [per_day[day] for day in per_day if day.month == 11]
    usual = sum(november) / 30
    assert usual > 20  # enough to compare
    assert max(per_day) == datetime.date(2026, 12, 1)
    # About a usual day's worth dated today, not the whole month's (30 times as many).
    assert 0.5 * usual <= per_day[datetime.date(2026, 12, 1)] <= 2 * usual


def test_mid_month_the_current_months_activities_spread_over_the_days_so_far(monkeypatch):
    per_day = build_ledger(monkeypatch, "2026-12-15")
    november = sum(n for day, n in per_day.items() if day.month == 11)
    december = {day: n for day, n in per_day.items() if day.month == 12}
    assert sorted(december) == [datetime.date(2026, 12, d) for d in range(1, 16)]  # every day so far, none later
    # Half a month so far holds about half a month's activities, each day about a usual day's.
    assert 0.75 * november * 15 / 30 <= sum(december.values()) <= 1.25 * november * 15 / 30
    usual = november / 30
    assert all(0.4 * usual <= n <= 2 * usual for n in december.values()), december
