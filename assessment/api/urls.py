from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("scoring-rules", views.ScoringRuleViewSet, basename="scoring-rule")
router.register("scoring-weights", views.ScoringWeightsViewSet, basename="scoring-weights")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("grades", views.GradeViewSet, basename="grade")

urlpatterns = router.urls
