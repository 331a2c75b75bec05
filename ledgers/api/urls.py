from rest_framework.routers import DefaultRouter

from . import demands, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("activities", views.ServiceActivityViewSet, basename="activity")
router.register("ledger-months", views.LedgerMonthViewSet, basename="ledger-month")
router.register("demands", demands.DemandViewSet, basename="demand")
router.register("notifications", demands.NotificationViewSet, basename="notification")

urlpatterns = router.urls
