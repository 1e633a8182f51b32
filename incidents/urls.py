from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.new, name="new"),
    path("late/", views.late, name="late"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:name>/", views.action, name="action"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/thumb/", views.attachment, {"thumb": True}, name="attachment-thumb"),
]
