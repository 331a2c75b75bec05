"""Pages of the pairing app. Each views module owns its urlpatterns; this file only joins them."""

from .views import accounts, agreements, audit_log, choices, console, directory, exports, home, imports

app_name = "pairing"

urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    *directory.urlpatterns,
    *choices.urlpatterns,
    *audit_log.urlpatterns,
    *console.urlpatterns,
    *agreements.urlpatterns,
    *exports.urlpatterns,
    *imports.urlpatterns,
]
