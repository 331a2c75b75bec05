"""Error pages, in Chinese. The API answers in JSON even for URLs no route matches.

Django's own answers for a failed CSRF check (an English technical page) and for a bad request
or a method a view does not take (an English line or an empty page) are replaced here, so a
person who follows an old link or submits an expired page reads what happened and what to do.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found

from pairing.core.api.exceptions import NOT_FOUND

from ..api.authentication import CSRF_FAILED

BAD_REQUEST = "请求无法处理，请返回上一页重试。"
METHOD_NOT_ALLOWED = "该地址不能直接打开，请返回上一页，通过页面上的按钮操作。"


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": BAD_REQUEST}, status=400)
    return django_bad_request(request, exception)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an expired page (the token changed at login) or a forged post."""
    if _api(request):
        return JsonResponse({"detail": CSRF_FAILED}, status=403)
    return render(request, "error.html", {"title": "页面已过期", "message": CSRF_FAILED}, status=403)


def method_not_allowed(request, allowed: str = ""):
    """Shown instead of the empty 405 a POST-only page view gives a GET (MethodNotAllowedPageMiddleware)."""
    page = render(request, "error.html", {"title": "无法直接打开", "message": METHOD_NOT_ALLOWED}, status=405)
    page["Allow"] = allowed
    return page
