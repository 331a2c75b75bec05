"""The navbar's unread count (one COUNT on the inbox index per page, only when signed in)."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that do not render the navbar (downloads, redirects) never run the query.
    return {"unread_notifications": SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())}
