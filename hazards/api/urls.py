from django.urls import path
from rest_framework.routers import SimpleRouter

from . import todo, views

router = SimpleRouter(use_regex_path=False)
router.register("hazards", views.HazardViewSet, basename="hazard")

urlpatterns = [path("todo/", todo.TodoView.as_view(), name="todo"), *router.urls]
