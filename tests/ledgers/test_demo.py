"""The ledger's seed_demo builder: three years, realistic density, months in every state."""

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
