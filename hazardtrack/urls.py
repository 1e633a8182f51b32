"""The site's URLs: the apps are wired in by name (include("<app>.urls")), never imported."""
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", include("hazards.site_urls")),  # home, todo: un-namespaced, the site's own names
    path("uploads/pending/<uuid:pk>/", views.pending_upload, name="pending_upload"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
    path("hazards/", include("hazards.urls")),
    path("notices/", include("notices.urls")),
    path("inspections/", include("inspections.urls")),
    path("supervision/", include("supervision.urls")),
    path("", include("tipoffs.urls")),
    path("incidents/", include("incidents.urls")),
    path("spreadsheets/", include("spreadsheets.urls")),
    path("workdays/", include("workdays.urls")),
    path("api/", include("hazardtrack.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("hazardtrack 隐患排查治理系统")
admin.site.site_title = "hazardtrack"

handler404 = "hazardtrack.views.not_found"  # JSON under /api/
