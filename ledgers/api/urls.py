from django.urls import path
from rest_framework.routers import DefaultRouter

from . import compliance, demands, evaluations, meetings, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("activities", views.ServiceActivityViewSet, basename="activity")
router.register("ledger-months", views.LedgerMonthViewSet, basename="ledger-month")
router.register("demands", demands.DemandViewSet, basename="demand")
router.register("claims", demands.ClaimViewSet, basename="claim")
router.register("notifications", demands.NotificationViewSet, basename="notification")
router.register("meetings", meetings.JointMeetingViewSet, basename="meeting")
router.register("meeting-resolutions", meetings.MeetingResolutionViewSet, basename="meeting-resolution")
router.register("evaluations", evaluations.TalentEvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
urlpatterns += [
    path("compliance/", compliance.ComplianceView.as_view(), name="api-compliance"),
    path("compliance/<slug:code>/", compliance.ComplianceRuleView.as_view(), name="api-compliance-rule"),
]
