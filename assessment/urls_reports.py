"""Report and dashboard routes (kept apart from assessment/urls.py, which the scoring owns)."""

from django.urls import path

from .views import dashboard, reports

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="dashboard"),
    path("dashboard/<slug:code>.xlsx", dashboard.dashboard_excel, name="dashboard_excel"),
    path("half-year.xlsx", reports.half_year_export, name="half_year_export"),
    path("townships/<int:township_id>/<str:month>/ledger.xlsx", reports.township_month_export, name="township_month"),
]
