from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("hazards", views.HazardViewSet, basename="hazard")

urlpatterns = router.urls
