from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

# Shared with the pages' CSRF failure view. Kept here, not in .exceptions: DRF imports this module
# while loading its views, and .exceptions imports those views.
CSRF_FAILED = "页面已过期或安全校验未通过，请刷新页面后重新提交。"


class ExpiringTokenAuthentication(TokenAuthentication):
    """Token auth whose tokens expire API_TOKEN_TTL_HOURS after they were issued."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS):
            token.delete()
            raise AuthenticationFailed("令牌已过期，请重新登录。")
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            raise AuthenticationFailed("该账号已停用。")
        return user, token


class PortalSessionAuthentication(SessionAuthentication):
    """Session auth (the browser, Swagger UI) whose CSRF refusal says what to do, in Chinese.

    DRF raises "CSRF Failed: <Django's English reason>"; the reason is for the server log, not for
    the person at the keyboard.
    """

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except PermissionDenied:
            raise PermissionDenied(CSRF_FAILED) from None
