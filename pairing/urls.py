"""Pages of the pairing app. Each views module owns its urlpatterns; this file only joins them."""

from .views import accounts, agreements, audit_log, directory, home

app_name = "pairing"

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *audit_log.urlpatterns,
    *agreements.urlpatterns,
]
