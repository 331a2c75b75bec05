"""Read queries shared by pages, the API, exports and jobs: the user (and parameters) in, a scoped
queryset out. Views and viewsets hold no query logic of their own (ARCHITECTURE.md "Reads")."""

from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pairing.choices import Role

from .choices import ActivityStatus, ClaimStatus, MonthStatus
from .models import (
    Demand,
    DemandClaim,
    JointMeeting,
    LedgerMonth,
    ServiceActivity,
    TalentEvaluation,
    TalentServiceMonth,
)
from .models.demands import CLAIMABLE_STATUSES, OPEN_STATUSES
from .services.demands import claimant_village_ids


def demands(user):
    """Demands the user may see, with what every listing shows."""
    return Demand.objects.visible_to(user).select_related("village__township").prefetch_related("specialties")


def _own_claims(user):
    if user.role == Role.TALENT and user.talent_id:
        return DemandClaim.objects.filter(talent_id=user.talent_id)
    if user.role == Role.UNIT_LIAISON and user.unit_id:
        return DemandClaim.objects.filter(unit_id=user.unit_id)
    return None


def meetings(user):
    """Joint meetings the user may see, with what every listing shows."""
    return JointMeeting.objects.visible_to(user).select_related("pairing__village__township", "pairing__unit")


def evaluations(user):
    """Talent evaluations the user may see, with what every listing shows."""
    return TalentEvaluation.objects.visible_to(user).select_related("talent__unit", "village__township")


def claimable_demands(user, year: int | None = None):
    """Open places in the villages the talent (or the liaison's unit) may serve in `year` (default
    this year) that the user has not claimed yet; soonest due first."""
    own = _own_claims(user)
    if own is None:
        return Demand.objects.none()
    year = year or timezone.localdate().year
    return (
        demands(user)
        .filter(status__in=CLAIMABLE_STATUSES, claimed_count__lt=F("people_wanted"))
        .filter(village_id__in=claimant_village_ids(user, year))
        .exclude(pk__in=own.filter(status=ClaimStatus.ACTIVE).values("demand_id"))
        .order_by(F("due_date").asc(nulls_last=True), "-published_at", "pk")
    )


def my_claims(user):
    """The user's active claims on demands still open (a talent's own, or the liaison's unit's)."""
    own = _own_claims(user)
    if own is None:
        return DemandClaim.objects.none()
    return (
        DemandClaim.objects.visible_to(user)
        .filter(pk__in=own.values("pk"), status=ClaimStatus.ACTIVE, demand__status__in=OPEN_STATUSES)
        .select_related("demand__village")
        .order_by("demand__due_date", "pk")
    )


def months_awaiting_confirmation(user):
    """Submitted months the user's township has yet to confirm (the officer's queue), oldest first."""
    return (
        LedgerMonth.objects.visible_to(user)
        .filter(status=MonthStatus.SUBMITTED)
        .select_related("village")
        .order_by("month", "village__code")
    )


def activities_to_review(user):
    """Activities recorded by talents or units in the user's village that wait for its confirmation."""
    return ServiceActivity.objects.visible_to(user).filter(status=ActivityStatus.PENDING)


def own_services_in(user, start, end):
    """A talent's own activities dated in [start, end), any state (their month at a glance)."""
    if user.role != Role.TALENT or not user.talent_id:
        return ServiceActivity.objects.none()
    return ServiceActivity.objects.visible_to(user).filter(
        participants__talent=user.talent_id, date__gte=start, date__lt=end
    )


def own_service_totals(user, year: int) -> dict:
    """A talent's own confirmed activities, hours and months of service in `year` (their hours, not
    the other participants'), from the monthly rollup of their service: one small aggregate."""
    if user.role != Role.TALENT or not user.talent_id:
        return {"times": 0, "hours": Decimal("0"), "months": 0}
    return (
        TalentServiceMonth.objects.visible_to(user)
        .filter(talent_id=user.talent_id, month__year=year)
        .aggregate(
            times=Coalesce(Sum("activities"), 0),
            hours=Coalesce(Sum("hours"), Decimal("0")),
            months=Count("month", distinct=True),
        )
    )
