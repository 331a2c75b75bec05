from django.urls import path
from rest_framework.routers import DefaultRouter

from . import agreements, exports, imports, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("counties", views.CountyViewSet)
router.register("townships", views.TownshipViewSet)
router.register("villages", views.VillageViewSet)
router.register("units", views.CountyUnitViewSet)
router.register("talents", views.UrbanTalentViewSet)
router.register("talent-assignments", views.TalentAssignmentViewSet)
router.register("pairings", views.PairingViewSet)
router.register("honorary-heads", views.HonoraryVillageHeadViewSet)
router.register("specialties", views.SpecialtyViewSet)
router.register("agreements", agreements.AgreementViewSet)
router.register("agreement-resources", agreements.AgreementResourceItemViewSet)
router.register("agreement-demands", agreements.AgreementDemandItemViewSet)
router.register("agreement-projects", agreements.AgreementProjectItemViewSet)
router.register("exports", exports.ExportViewSet)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="api-password"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("imports/<slug:kind>/", imports.ImportView.as_view(), name="api-import"),
    *router.urls,
]
