"""Who is told: the accounts that answer for a village, township, unit or county (set-based)."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from pairing.choices import Role

ANCHOR = {
    Role.VILLAGE_SECRETARY: "village_id",
    Role.TOWNSHIP_OFFICER: "township_id",
    Role.UNIT_LIAISON: "unit_id",
    Role.COUNTY_ADMIN: "county_id",
}


def accounts_by_anchor(role: str, anchor_ids: Iterable[int]) -> dict[int, list[int]]:
    """{village/township/unit/county id: [active account ids of that role]} in one query."""
    field = ANCHOR[role]
    result = defaultdict(list)
    rows = get_user_model().objects.filter(role=role, is_active=True, **{f"{field}__in": set(anchor_ids)})
    for anchor, pk in rows.values_list(field, "pk").order_by("pk"):
        result[anchor].append(pk)
    return result


def accounts_of(role: str, anchor_id: int) -> list[int]:
    return accounts_by_anchor(role, [anchor_id]).get(anchor_id, [])


def secretaries(village_id: int) -> list[int]:
    return accounts_of(Role.VILLAGE_SECRETARY, village_id)


def officers(township_id: int) -> list[int]:
    return accounts_of(Role.TOWNSHIP_OFFICER, township_id)


def liaisons(unit_id: int) -> list[int]:
    return accounts_of(Role.UNIT_LIAISON, unit_id)
