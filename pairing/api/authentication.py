from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


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
