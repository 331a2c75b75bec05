import contextlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless its view is marked `login_not_required` (SECURITY.md 6).

    The API is left to DRF, whose default permission is IsAuthenticated: token-authenticated
    requests are only recognised inside DRF, so redirecting them here would be wrong.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def password_change_due(user) -> bool:
    """A first login, an admin reset, or a password older than PASSWORD_MAX_AGE_DAYS (SECURITY.md 1)."""
    if user.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    changed = user.password_changed_at
    return changed is None or changed < timezone.now() - timedelta(days=max_age)


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user whose password must change to the password change page, and keeps them
    there until it has changed. Logout, static files and the API (which has its own token rules) pass.
    """

    exempt_prefixes = ("/static/", "/api/", "/health/")
    exempt_url_names = ("pairing:password_change", "pairing:logout", "pairing:otp_enrol")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request) and password_change_due(user):
            messages.warning(request, "为保障账号安全，请先修改密码。")
            return redirect("pairing:password_change")
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        path = request.path_info
        if path.startswith(self.exempt_prefixes):
            return True
        return path in {reverse(name) for name in self.exempt_url_names}


class OtpEnrolmentRequiredMiddleware:
    """A session signed in with a password alone by an account that needs a second factor and has
    none yet (pairing.views.accounts.LoginView) reaches only the enrolment page and logout until a
    device is confirmed (SECURITY.md 4). The API answers such a session 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .views.otp import OTP_ENROL_SESSION_KEY

        session = getattr(request, "session", None)
        if session is not None and session.get(OTP_ENROL_SESSION_KEY) and not self._exempt(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": "请先绑定身份验证器。"}, status=403)
            return redirect("pairing:otp_enrol")
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        path = request.path_info
        if path.startswith(("/static/", "/health/")):
            return True
        return path in {reverse("pairing:otp_enrol"), reverse("pairing:logout")}


SESSION_STARTED_KEY = "portal_session_started_at"


class AbsoluteSessionLifetimeMiddleware:
    """Ends a session SESSION_ABSOLUTE_HOURS after login however active it is (SECURITY.md 3).

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed on every request); this caps the
    total, so a stolen cookie that is kept busy still dies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = timezone.now().timestamp()
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                request.portal_session_expired = True  # ends this session only, not the user's others
                logout(request)
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": "登录已超过最长有效期，请重新登录。"}, status=401)
                messages.info(request, "登录已超过最长有效期，请重新登录。")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A POST-only page view (`require_POST`) answers a GET with an empty 405: a blank screen, e.g.
    after logging in with `next=` pointing at a button's address. Show a page that says what to do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path_info.startswith("/api/"):
            # Imported here: pairing.core.api.permissions imports this module while DRF is still loading.
            from .views.errors import method_not_allowed

            return method_not_allowed(request, response.get("Allow", ""))
        return response


NOT_FOUND_WINDOW_SECONDS = 600


class NotFoundAuditMiddleware:
    """Records a signed-in user's 404 on an address that names a row (an out-of-scope or guessed id,
    SECURITY.md 12), aggregated: one record per user and route per ten minutes, however many ids a
    crawler tries (the rest are counted in the cache, not written)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404:
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            if match is not None and match.kwargs and user is not None and user.is_authenticated:
                self._record(request, user, match.view_name or match.route)
        return response

    def _record(self, request, user, route: str) -> None:
        from django.core.cache import cache

        from pairing.core import audit

        key = f"audit-404:{user.pk}:{route}"
        if not cache.add(key, 1, NOT_FOUND_WINDOW_SECONDS):
            with contextlib.suppress(ValueError):  # expired between add and incr
                cache.incr(key)
            return
        audit.record(
            action="not_found",
            actor=user,
            result="denied",
            object_type="",
            message=f"访问不存在或无权查看的记录：{request.path[:200]}（同一用户同类访问每 10 分钟只记录一次）",
        )


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (SECURITY.md 19, 22).

    Django 5.2 has no CSP setting of its own (it arrives in 6.0), and django-csp would still leave
    Permissions-Policy to a middleware: one small middleware sets both. A view that serves a file
    sets its own, stricter policy (a sandbox), which is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is larger than MAX_REQUEST_BODY_BYTES before anything
    reads it (413). Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files; the proxy's
    client_max_body_size (docs/security.md) is the first cap, this the second."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            from django.http import HttpResponse

            limit = settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)
            return HttpResponse(
                f"提交的内容过大（超过 {limit} MB）。", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
