from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.export, name="export"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>.<str:fmt>", views.report_download, name="report-download"),
    path("subscriptions/<int:pk>/delete/", views.unsubscribe, name="unsubscribe"),
    path("circulars/", views.circulars, name="circulars"),
    path("circulars/<int:pk>/", views.circular, name="circular"),
    path("circulars/<int:pk>/pdf/", views.circular_pdf, name="circular-pdf"),
    path("issuing-body/", views.issuing_body, name="issuing-body"),
    path("circulars/<int:pk>/do/<slug:action>/", views.circular_action, name="circular-action"),
]
