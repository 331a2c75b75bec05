from django.urls import path, re_path

from .views import activities, compliance, demands, evaluations, meetings, months, notifications, reminders, reports

app_name = "ledgers"

MONTH = r"(?P<village_id>\d+)/(?P<month>\d{4}-\d{2})"

urlpatterns = [
    path("", months.home, name="home"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/pending/", activities.pending, name="pending"),
    path("activities/mine/", activities.my_services, name="my_services"),
    path("activities/<int:pk>/", activities.activity_detail, name="serviceactivity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/confirm/", activities.activity_confirm, name="activity_confirm"),
    path("activities/<int:pk>/reject/", activities.activity_reject, name="activity_reject"),
    path("activities/<int:pk>/photos/", activities.photo_add, name="photo_add"),
    path("photos/<int:pk>/delete/", activities.photo_delete, name="photo_delete"),
    re_path(r"^photos/(?P<pk>\d+)/(?P<size>full|thumb)/$", activities.photo_file, name="photo"),
    path("months/", months.month_list, name="month_list"),
    path("months/queue/", months.month_queue, name="month_queue"),
    path("months/queue/confirm/", months.month_confirm_many, name="month_confirm_many"),
    re_path(rf"^months/{MONTH}/$", months.month_ledger, name="month_ledger"),
    re_path(rf"^months/{MONTH}/print/$", months.month_print, name="month_print"),
    re_path(rf"^months/{MONTH}/export\.xlsx$", months.month_export, name="month_export"),
    re_path(rf"^months/{MONTH}/(?P<action>submit|confirm|reopen|lock)/$", months.month_action, name="month_action"),
]
urlpatterns += demands.urlpatterns + notifications.urlpatterns

# Joint meetings, evaluations, township reports and the compliance board (issue 5 items 3-5).
urlpatterns += meetings.urlpatterns + evaluations.urlpatterns + reports.urlpatterns + compliance.urlpatterns
# 催办 and the reminder log (issue 12).
urlpatterns += reminders.urlpatterns
