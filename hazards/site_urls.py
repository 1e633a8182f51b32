"""The site's home page and 待办 (URL names `home` and `todo`, outside the hazards: namespace):
both show the user's hazards, so hazards serves them; hazardtrack/urls.py includes this by name."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
]
