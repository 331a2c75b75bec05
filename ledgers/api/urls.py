from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("activities", views.ServiceActivityViewSet, basename="activity")
router.register("ledger-months", views.LedgerMonthViewSet, basename="ledger-month")

urlpatterns = router.urls
