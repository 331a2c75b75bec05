"""Who may see which masked personal number in full (SECURITY.md 15), declared once on the model.

A model lists its masked fields in `masked_fields` (name -> mask function) and inherits
`may_reveal` from `Revealable`; pages and the API both ask it, and `reveal()` in the directory
service shows the values and audits each reveal.
"""

from ..choices import Role

# ID numbers only county admins; phone numbers also the township, village and unit people who work
# with the person. A model may widen this (a talent sees their own numbers: UrbanTalent).
REVEAL_ROLES = {
    "id_number": frozenset({Role.COUNTY_ADMIN}),
    "*": frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_OFFICER, Role.VILLAGE_SECRETARY, Role.UNIT_LIAISON}),
}


class Revealable:
    masked_fields: dict = {}

    def may_reveal(self, user, field_name: str) -> bool:
        """Whether `user` may see `field_name` of this row in full (row scope is checked apart)."""
        if field_name not in self.masked_fields or user is None or not user.is_authenticated:
            return False
        return user.is_superuser or user.role in REVEAL_ROLES.get(field_name, REVEAL_ROLES["*"])

    def revealable_fields(self, user) -> tuple[str, ...]:
        return tuple(name for name in self.masked_fields if self.may_reveal(user, name))
