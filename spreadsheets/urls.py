from django.urls import path

from . import views

app_name = "spreadsheets"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("imports/<int:pk>/", views.job, name="job"),
    path("imports/<int:pk>/start/", views.start, name="job-start"),
    path("imports/<int:pk>/accept/", views.accept, name="job-accept"),
    path("imports/<int:pk>/status/", views.status, name="job-status"),
    path("imports/<int:pk>/errors.xlsx", views.error_report, name="job-errors"),
    path("export/ledger.<slug:fmt>", views.export_ledger, name="export-ledger"),
    path("export/hazards/<int:pk>.<slug:fmt>", views.export_hazard, name="export-hazard"),
    path("export/enterprises.<slug:fmt>", views.export_enterprises, name="export-enterprises"),
]
