"""The REST API under /api/: each app contributes its own routes; names are `api:<name>`."""
from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("hazards.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("supervision.api.urls")),
    path("", include("incidents.api.urls")),
]
