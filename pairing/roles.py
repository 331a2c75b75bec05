"""Role predicates: who a user is with respect to a county, township, village, unit or talent.

The one place that answers "is this user this village's secretary", used by every workflow's
declaration (pairing.core.workflows), by pages deciding what to show and by jobs choosing
recipients. Each takes ids, so callers need not load the row. A superuser passes every predicate
(the break-glass account; its use is audited).
"""

from .choices import Role, TalentStatus
from .models import County, Pairing, TalentAssignment, UrbanTalent


def _acting(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user, *roles: str) -> bool:
    return _acting(user) and (user.is_superuser or user.role in roles)


def is_county_admin(user, county_id: int | None = None) -> bool:
    """A county admin (of `county_id`, when given)."""
    if not _acting(user):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.COUNTY_ADMIN and (county_id is None or user.county_id == county_id)


# Per anchor of an account, the directory models it sees exactly one row of (its own county,
# township, village, unit or talent, and the county that holds it).
ONE_ROW_MODELS = {
    "county": ("county",),
    "township": ("county", "township"),
    "village": ("county", "township", "village"),
    "unit": ("county", "countyunit"),
    "talent": ("county", "urbantalent"),
}


def one_row_models(user) -> set[str]:
    """Model names (`_meta.model_name`) of the directory rows the user sees exactly one of: a
    filter over them would offer a single choice. No query."""
    if not _acting(user) or user.is_superuser:
        return set()
    return {
        model for anchor, models in ONE_ROW_MODELS.items() if getattr(user, f"{anchor}_id", None) for model in models
    }


def sees_many_counties(user) -> bool:
    """Whether the user's directory spans several counties (a superuser's city-wide view): such a
    user's summaries start from the counties. Only a user anchored to no row can; no query else."""
    if not _acting(user) or any(getattr(user, f"{name}_id", None) for name in ONE_ROW_MODELS):
        return False
    return County.objects.visible_to(user)[:2].count() > 1


def is_officer_of(user, township_id: int) -> bool:
    return _acting(user) and (
        user.is_superuser or (user.role == Role.TOWNSHIP_OFFICER and user.township_id == township_id)
    )


def is_secretary_of(user, village_id: int) -> bool:
    return _acting(user) and (
        user.is_superuser or (user.role == Role.VILLAGE_SECRETARY and user.village_id == village_id)
    )


def is_liaison_of(user, unit_id: int) -> bool:
    return _acting(user) and (user.is_superuser or (user.role == Role.UNIT_LIAISON and user.unit_id == unit_id))


def is_party_to(user, *, village_id: int, unit_id: int) -> bool:
    """One of a pairing's two parties: the village's secretary or the unit's liaison."""
    return is_secretary_of(user, village_id) or is_liaison_of(user, unit_id)


def serves_village(user, village_id: int, year: int) -> bool:
    """A talent assigned to the village in `year`, or of a unit paired with it that year; or the
    liaison of such a unit. These are the people who claim the village's demands and serve it.

    Remembered on the user object for the request, so a list of rows asks once per village."""
    if not _acting(user) or user.role not in (Role.UNIT_LIAISON, Role.TALENT):
        return False
    cache = user.__dict__.setdefault("_serves_village", {})
    key = (village_id, year)
    if key not in cache:
        cache[key] = _serves_village(user, village_id, year)
    return cache[key]


def _serves_village(user, village_id: int, year: int) -> bool:
    paired_units = Pairing.objects.active_in(year).filter(village_id=village_id).values("unit_id")
    if user.role == Role.UNIT_LIAISON:
        return bool(user.unit_id) and paired_units.filter(unit_id=user.unit_id).exists()
    if not user.talent_id:
        return False
    talent = UrbanTalent.objects.filter(pk=user.talent_id, status=TalentStatus.ACTIVE)
    return (
        TalentAssignment.objects.filter(talent__in=talent, village_id=village_id, year=year).exists()
        or talent.filter(unit_id__in=paired_units).exists()
    )
