"""Error pages. The API answers in JSON even for URLs no route matches."""

from django.http import JsonResponse
from django.views.defaults import page_not_found

from ..api.exceptions import NOT_FOUND


def not_found(request, exception=None):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return page_not_found(request, exception)
