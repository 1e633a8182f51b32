from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("checklist-templates", views.ChecklistTemplateViewSet, basename="checklist-template")
router.register("checklist-versions", views.ChecklistVersionViewSet, basename="checklist-version")
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")

urlpatterns = router.urls
