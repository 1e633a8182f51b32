from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.new, name="new"),
    path("enterprises/", views.enterprise_suggestions, name="enterprise-suggestions"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/do/<slug:name>/", views.transition, name="transition"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/thumb/", views.attachment, {"thumb": True}, name="attachment-thumb"),
]
