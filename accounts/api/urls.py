from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("regions", views.RegionViewSet, basename="region")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
