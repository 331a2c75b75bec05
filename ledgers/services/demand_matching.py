"""Matching (人岗匹配): which talents to suggest for an open demand, and why.

Candidates are the talents who may claim it (assigned to the village this year, or of a unit
paired with it) that the viewer can see, minus those who already claimed it. Each is scored in
the database, in one annotated query:

    score = 10 × needed specialties they have
          + past confirmed services in this village (at most 5)
          − 3 × open claims elsewhere − 2 × confirmed services this month (current load)

Specialty fit dominates; among equals the less busy and the one who knows the village come first.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from pairing.models import TalentAssignment, UrbanTalent, User

from ..choices import ActivityStatus, ClaimStatus
from ..models import ActivityParticipant, Demand, DemandClaim
from ..models.demands import OPEN_STATUSES
from ..periods import month_range, month_start
from .demands import eligible_talents

PAST_SERVICE_CAP = 5


@dataclass(frozen=True)
class Suggestion:
    talent: UrbanTalent
    matched: tuple[str, ...]
    open_claims: int
    month_services: int
    village_services: int
    assigned_here: bool
    has_account: bool
    score: int

    @property
    def reason(self) -> str:
        parts = [f"特长匹配：{'、'.join(self.matched)}" if self.matched else "无匹配特长"]
        parts.append(f"本月已服务{self.month_services}次" if self.month_services else "本月尚未服务")
        if self.open_claims:
            parts.append(f"在办认领{self.open_claims}项")
        parts.append(f"曾在本村服务{self.village_services}次" if self.village_services else "未曾在本村服务")
        return "；".join(parts)

    @property
    def relation(self) -> str:
        return "驻村人才" if self.assigned_here else "结对单位人才"


def _count(queryset):
    """COUNT(*) of a correlated subquery, 0 when empty."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def suggest_talents(demand: Demand, user, *, today: datetime.date | None = None, limit: int = 10) -> list[Suggestion]:
    """Ranked suggestions for `demand`, as the viewer `user` may see them (three queries)."""
    today = today or timezone.localdate()
    needed = list(demand.specialties.values_list("pk", flat=True))
    month_first, month_end = month_range(month_start(today))
    talent = OuterRef("pk")
    confirmed = ActivityParticipant.objects.filter(talent=talent, activity__status=ActivityStatus.CONFIRMED)
    fit = UrbanTalent.specialties.through.objects.filter(urbantalent_id=talent, specialty_id__in=needed or [0])
    already = DemandClaim.objects.filter(demand=demand, status=ClaimStatus.ACTIVE, talent__isnull=False)
    rows = (
        eligible_talents(demand.village_id, today.year)
        .filter(pk__in=UrbanTalent.objects.visible_to(user).values("pk"))
        .exclude(pk__in=already.values("talent_id"))
        .select_related("unit")
        .annotate(
            fit=_count(fit),
            open_claims=_count(
                DemandClaim.objects.filter(talent=talent, status=ClaimStatus.ACTIVE, demand__status__in=OPEN_STATUSES)
            ),
            month_services=_count(confirmed.filter(activity__date__gte=month_first, activity__date__lt=month_end)),
            village_services=_count(confirmed.filter(activity__village_id=demand.village_id)),
            assigned_here=Exists(
                TalentAssignment.objects.filter(talent=talent, village_id=demand.village_id, year=today.year)
            ),
            has_account=Exists(User.objects.filter(talent=talent, is_active=True)),
        )
        .annotate(
            score=F("fit") * 10
            + Least(F("village_services"), Value(PAST_SERVICE_CAP))
            - F("open_claims") * 3
            - F("month_services") * 2
        )
        .order_by("-score", "name", "pk")[:limit]
    )
    rows = list(rows)
    matched: dict[int, list[str]] = {}
    if needed and rows:
        pairs = (
            UrbanTalent.specialties.through.objects.filter(
                Q(urbantalent_id__in=[r.pk for r in rows]) & Q(specialty_id__in=needed)
            )
            .order_by("specialty__sort_order", "specialty__name")
            .values_list("urbantalent_id", "specialty__name")
        )
        for talent_id, name in pairs:
            matched.setdefault(talent_id, []).append(name)
    return [
        Suggestion(
            talent=row,
            matched=tuple(matched.get(row.pk, ())),
            open_claims=row.open_claims,
            month_services=row.month_services,
            village_services=row.village_services,
            assigned_here=row.assigned_here,
            has_account=row.has_account,
            score=row.score,
        )
        for row in rows
    ]
