"""The demands' seed_demo builder: every state, a realistic resolution rate, consistent rows."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ledgers.choices import ActivityStatus, ClaimStatus, DemandStatus, NotificationKind
from ledgers.models import Demand, DemandClaim, Notification
from ledgers.services.demand_stats import resolution_rate, year_bounds
from pairing.choices import Role
from pairing.models import User

pytestmark = pytest.mark.django_db

TODAY = "2026-06-15"


@pytest.fixture
def seeded(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("seed_demo", "--scale", "small", "--today", TODAY, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demands_in_every_state_with_a_realistic_resolution_rate(seeded):
    assert "ledgers.demo_demands.build" in seeded and "需求任务" in seeded
    assert set(Demand.objects.values_list("status", flat=True)) == set(DemandStatus.values)
    # Last year is complete: about 95% resolved. This year also holds the recent open demands (in the
    # small demo at least one in each open state and two for the demo talent, whatever the luck), so
    # it resolves less so far; neither is ever 100%.
    for year, lowest in ((2025, 88), (2026, 80)):
        start, end = year_bounds(year)
        rate = resolution_rate(Demand.objects.all(), start, end)
        assert rate.collected > 20
        assert lowest <= rate.rate <= 99, (year, rate)
    today = timezone.datetime.fromisoformat(TODAY).date()
    assert Demand.objects.filter(status__in=["published", "claimed", "in_progress"], due_date__lt=today).exists()


def test_every_resolved_demand_points_at_a_confirmed_activity_of_its_village_served_by_its_claimant(seeded):
    resolved = Demand.objects.filter(status=DemandStatus.RESOLVED).select_related("served_by")
    assert resolved.exists()
    for demand in resolved:
        activity = demand.served_by
        assert activity.village_id == demand.village_id and activity.status == ActivityStatus.CONFIRMED
        assert timezone.localtime(demand.published_at).date() <= activity.date
        claim = demand.claims.get()
        assert claim.status == ClaimStatus.COMPLETED
        assert activity.participants.filter(talent_id=claim.talent_id).exists()


def test_claimed_counts_match_the_claims(seeded):
    active = Counter(
        DemandClaim.objects.filter(status__in=[ClaimStatus.ACTIVE, ClaimStatus.COMPLETED]).values_list(
            "demand_id", flat=True
        )
    )
    for demand in Demand.objects.all():
        assert demand.claimed_count == active.get(demand.pk, 0) <= demand.people_wanted
        if demand.status == DemandStatus.PUBLISHED:
            assert demand.claimed_count == 0


def test_the_demo_talent_has_places_to_claim_and_an_invitation(seeded):
    talent = User.objects.get(is_demo=True, role=Role.TALENT)
    invitation = Notification.objects.get(recipient=talent, kind=NotificationKind.INVITATION)
    demand = Demand.objects.get(pk=int(invitation.link.rstrip("/").split("/")[-1]))
    assert demand.accepts_claims and Demand.objects.visible_to(talent).filter(pk=demand.pk).exists()


def test_reset_removes_the_demo_demands(seeded, settings):
    call_command("seed_demo", "--scale", "small", "--today", TODAY, "--reset", stdout=StringIO(), stderr=StringIO())
    assert Demand.objects.exists()
    assert Demand.objects.count() == Demand.objects.filter(village__code__startswith="99").count()
