"""Row scope: the one place that decides which rows a user may see (DOMAIN.md "Who uses it").

Every scoped model declares a `Scope` naming, for each role, the lookup from the model to the
object the role is bound to (a county, township, village, unit or talent). `visible_to(user)`
turns that into a filter:

- one condition that stays on to-one relations is applied as it is, on the joined rows;
- one condition that crosses a to-many relation becomes `pk IN (subquery)`, so the result has no
  duplicates and counts stay honest;
- several alternatives (a tuple of lookups, or a callable's Q whose top level is an OR) become
  `pk IN (ids of the first UNION ids of the second ...)`. An OR of two `IN (subquery)` conditions
  makes PostgreSQL scan the whole table and test every row against both sets (a talent's ten
  activities took a second among 1.4 million); each branch of a UNION uses its own index.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Union

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP

from pairing.choices import Role

ScopePath = Union[str, tuple[str, ...], Callable[..., Q], None]  # noqa: UP007

# role -> (Scope attribute, User attribute holding the id the role is bound to)
ROLE_BINDING = {
    Role.COUNTY_ADMIN: ("county", "county_id"),
    Role.TOWNSHIP_OFFICER: ("township", "township_id"),
    Role.VILLAGE_SECRETARY: ("village", "village_id"),
    Role.UNIT_LIAISON: ("unit", "unit_id"),
    Role.TALENT: ("talent", "talent_id"),
}


@dataclass(frozen=True)
class Scope:
    """Lookups from a model to each role's anchor; None means the role sees no row."""

    county: ScopePath = None
    township: ScopePath = None
    village: ScopePath = None
    unit: ScopePath = None
    talent: ScopePath = None

    def through(self, prefix: str) -> "Scope":
        """The same scope seen from a model that reaches this one through `prefix` (a FK name)."""

        def shift(path: ScopePath) -> ScopePath:
            if path is None or callable(path):
                return None if path is None else (lambda user, _p=path: _prefix_q(_p(user), prefix))
            paths = (path,) if isinstance(path, str) else path
            return tuple(prefix if p == "pk" else f"{prefix}{LOOKUP_SEP}{p}" for p in paths)

        return Scope(**{f.name: shift(getattr(self, f.name)) for f in fields(self)})


def _prefix_q(q: Q, prefix: str) -> Q:
    clone = q.copy()
    clone.children = [
        _prefix_q(child, prefix) if isinstance(child, Q) else (f"{prefix}{LOOKUP_SEP}{child[0]}", child[1])
        for child in q.children
    ]
    return clone


def _crosses_to_many(model, path: str) -> bool:
    """Whether a lookup (`village__pairings__unit`, `talent__unit`, `forwarded_at__isnull`)
    follows a one-to-many or many-to-many relation, which could repeat a row."""
    for name in path.split(LOOKUP_SEP):
        if name == "pk":
            return False
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a lookup or transform (`in`, `isnull`, `year`): the path ended
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _q_crosses_to_many(model, q: Q) -> bool:
    return any(
        _q_crosses_to_many(model, child) if isinstance(child, Q) else _crosses_to_many(model, child[0])
        for child in q.children
    )


def _alternatives(path: ScopePath, user, anchor_id) -> list[Q]:
    """The scope as a list of conditions any one of which admits a row."""
    if callable(path):
        q = path(user)
        if q.connector == Q.OR and not q.negated and len(q.children) > 1:
            return [child if isinstance(child, Q) else Q(child) for child in q.children]
        return [q]
    return [Q(**{p: anchor_id}) for p in ((path,) if isinstance(path, str) else path)]


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ScopedQuerySet":
        """Rows `user` may see. Anonymous, inactive and unbound users see nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        binding = ROLE_BINDING.get(user.role)
        if binding is None:
            return self.none()
        scope_attr, user_attr = binding
        anchor_id = getattr(user, user_attr)
        path = getattr(self.model.scope, scope_attr)
        if path is None or anchor_id is None:
            return self.none()
        alternatives = _alternatives(path, user, anchor_id)
        base = self.model._base_manager.order_by()
        if len(alternatives) == 1:
            (condition,) = alternatives
            if _q_crosses_to_many(self.model, condition):
                return self.filter(pk__in=base.filter(condition).values("pk"))
            return self.filter(condition)
        ids = [base.filter(condition).values("pk") for condition in alternatives]
        return self.filter(pk__in=ids[0].union(*ids[1:]))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class ScopedModel(models.Model):
    """A model read through `visible_to(user)`: it declares a `scope` (a Scope, or its own
    queryset's visible_to) and gets the scoped manager from here."""

    objects = ScopedManager()

    class Meta:
        abstract = True


def can_edit(user, model) -> bool:
    """Whether the user's role may create or change rows of `model` (row scope is checked apart)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in getattr(model, "editor_roles", frozenset())


def is_visible(user, obj) -> bool:
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


FIELD_NOT_ALLOWED = "您的角色无权修改该字段。"


def field_violations(user, obj, before: dict | None) -> dict[str, str]:
    """Fields of `obj` that `user`'s role may not decide but that this write would change.

    A model lists such fields in `role_fields` (name -> roles that decide it; SECURITY.md 9). Any
    other role may leave the field as it was (the stored value on update, the model default on
    create) but not change it. Returns {field name: message}.
    """
    if user.is_superuser:
        return {}
    violations = {}
    for name, roles in getattr(type(obj), "role_fields", {}).items():
        if user.role in roles:
            continue
        field = obj._meta.get_field(name)
        if before is not None:
            unchanged = before.get(field.attname)
        elif field.has_default():
            unchanged = field.get_default()
        else:
            continue  # nothing to keep on create: row scope alone guards it
        if getattr(obj, field.attname) != unchanged:
            violations[name] = FIELD_NOT_ALLOWED
    return violations
