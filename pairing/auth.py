from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PortalModelBackend(ModelBackend):
    """The model backend, except that demo accounts log in only in demo mode (SECURITY.md 5)."""

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)


def lockout_policy() -> str:
    """The lockout rule as people read it, from the settings django-axes enforces (never a copy)."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return f"连续输错 {settings.AXES_FAILURE_LIMIT} 次，账号将被锁定 {minutes} 分钟。"
