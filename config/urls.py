from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pairing.views.health import health

handler400 = "pairing.views.errors.bad_request"
handler404 = "pairing.views.errors.not_found"

admin.site.site_header = "党建结对共建平台 · 系统管理"
admin.site.site_title = "党建结对共建平台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("pairing.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("assessment/", include("assessment.urls")),
    path("reports/", include("assessment.urls_reports")),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("pairing.api.urls")),
    path("api/v1/", include("ledgers.api.urls")),
    path("api/v1/", include("assessment.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): the CSP allows no inline one.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
# No route serves MEDIA_ROOT, not even with DEBUG on: photos and scans are served only by their views,
# through the scope check (ledgers:photo, pairing:agreement_scan).
