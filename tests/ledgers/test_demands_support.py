"""Builders for the demand tests (no tests here), on top of the fixed cast."""

import datetime

from django.utils import timezone

from ledgers.choices import DemandType
from ledgers.services.demands import DemandInput, claim_demand, publish_demand
from pairing.choices import DemandCategory
from pairing.models import Specialty


def specialty(name: str) -> Specialty:
    return Specialty.objects.get_or_create(name=name)[0]


def demand_input(*, people=1, specialties=(), due=None, title="修缮村道路灯", **extra) -> DemandInput:
    return DemandInput(
        type=extra.pop("type", DemandType.NEED),
        category=extra.pop("category", DemandCategory.INFRASTRUCTURE),
        title=title,
        description=extra.pop("description", "村东路段路灯损坏，群众夜间出行不便"),
        people_wanted=people,
        due_date=due,
        specialties=tuple(specialty(name) for name in specialties),
        agreement_item=extra.pop("agreement_item", None),
    )


def publish(cast, village=None, actor=None, **kwargs):
    """dave publishes in A1 unless told otherwise."""
    return publish_demand(actor=actor or cast.dave, village=village or cast.village_a1, data=demand_input(**kwargs))


def claimed(cast, **kwargs):
    demand = publish(cast, **kwargs)
    claim_demand(actor=cast.frank, demand=demand)
    demand.refresh_from_db()
    return demand


def days_from_today(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
