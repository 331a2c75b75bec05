"""Audit search by object: an object's own records and those of the rows that hang off it.

Searching a village finds the records of its activities (and their photos), demands, pairings and
their agreements. The related rows are found through the models' reverse foreign keys, two levels
deep, so a new app's model joins the search without being listed here. The ids are read as
subqueries: one SQL statement, whatever the number of related rows.
"""

from django.apps import apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast

DEPTH = 2


def _reverse_relations(model):
    for relation in model._meta.related_objects:
        local = relation.related_model._meta.app_label in ("pairing", "ledgers", "assessment")
        if local and (relation.one_to_many or relation.one_to_one):
            yield relation.related_model, relation.field.name


def _pk_texts(queryset):
    return queryset.annotate(_pk_text=Cast("pk", CharField())).values("_pk_text")


def related_q(object_type: str, object_id: str) -> Q | None:
    """The audit records of the object `object_type` ("app.model") `object_id` and of its related rows;
    None when the type names no model."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    condition = Q(object_type=object_type, object_id=object_id)
    start = model._base_manager.filter(pk=object_id) if object_id.isdigit() else model._base_manager.none()
    frontier = [(model, start)]
    seen = {model}
    for _ in range(DEPTH):
        following = []
        for parent, parents in frontier:
            for child, field_name in _reverse_relations(parent):
                if child in seen or child._meta.label_lower == "pairing.auditevent":
                    continue
                seen.add(child)
                rows = child._base_manager.filter(**{f"{field_name}__in": parents.values("pk")})
                condition |= Q(object_type=child._meta.label_lower, object_id__in=_pk_texts(rows))
                following.append((child, rows))
        frontier = following
    return condition
