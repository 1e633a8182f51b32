from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("incidents", views.IncidentViewSet, basename="incident")

urlpatterns = router.urls
