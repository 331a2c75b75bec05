"""The inbox: one's own notifications only (someone else's is 404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Notification, NotificationPreference
from ..services.notifications import mark_all_read, mark_read, save_preferences


def inbox(request):
    rows = Notification.objects.visible_to(request.user)
    if request.GET.get("unread") == "1":
        rows = rows.unread()
    page = Paginator(rows.order_by("-created_at", "-pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "ledgers/demands/notifications.html",
        {
            "page_obj": page,
            "unread_only": request.GET.get("unread") == "1",
            "preference": NotificationPreference.objects.filter(user=request.user).first(),
        },
    )


@require_POST
def read(request, pk):
    """Mark read and follow the notification's (site-relative) link."""
    try:
        row = mark_read(actor=request.user, notification=Notification(pk=pk))
    except Notification.DoesNotExist:
        raise Http404 from None
    if row.link and url_has_allowed_host_and_scheme(row.link, allowed_hosts={request.get_host()}):
        return redirect(row.link)
    return redirect("ledgers:notifications")


@require_POST
def read_all(request):
    count = mark_all_read(actor=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("ledgers:notifications")


@require_POST
def preferences(request):
    save_preferences(actor=request.user, email=bool(request.POST.get("email")), sms=bool(request.POST.get("sms")))
    messages.success(request, "通知方式已保存。")
    return redirect("ledgers:notifications")


urlpatterns = [
    path("notifications/preferences/", preferences, name="notification_preferences"),
    path("notifications/", inbox, name="notifications"),
    path("notifications/read-all/", read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", read, name="notification_read"),
]
