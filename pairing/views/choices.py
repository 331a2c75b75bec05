"""Choices for a large filter select, as JSON for tom-select (pairing.core.filtering.ScopedChoiceWidget).

`GET /directory/choices/village/?q=甲` answers the first matches among the rows the user sees,
searched like the model's list page (its FilterSet's `q`), labelled as the select labels them.
"""

from django.http import Http404, JsonResponse
from django.urls import path

from ..filtersets import choice_sources

LIMIT = 20


def search(request, model_name: str, rows_of, label=str) -> JsonResponse:
    """The first matches of `?q=` among `rows_of(model)`, as the list page's FilterSet searches,
    each labelled by `label(row)`."""
    source = choice_sources().get(model_name)
    if source is None:
        raise Http404
    model, filterset_class, select_related = source
    rows = rows_of(model)
    filterset = filterset_class({"q": request.GET.get("q", "")[:100]}, queryset=rows, request=request)
    rows = filterset.qs if filterset.is_valid() else rows.none()
    if select_related:
        rows = rows.select_related(*select_related)
    results = [{"value": row.pk, "text": label(row)} for row in rows[:LIMIT]]
    return JsonResponse({"results": results})


def choices(request, model_name):
    return search(request, model_name, lambda model: model.objects.visible_to(request.user))


urlpatterns = [
    path("directory/choices/<slug:model_name>/", choices, name="choices"),
]
