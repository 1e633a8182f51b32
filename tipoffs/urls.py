"""Tip-off URLs, included at the site root: the public pages (/jubao/), the staff pages
(/tipoffs/) and Open311 GeoReport v2 (/open311/v2/)."""
from django.urls import path, re_path

from . import public_views, views
from .open311 import views as open311

app_name = "tipoffs"
FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    # public, no login
    path("jubao/", public_views.new, name="public-new"),
    path("jubao/submitted/", public_views.submitted, name="public-submitted"),
    path("jubao/track/", public_views.track, name="public-track"),
    # staff
    path("tipoffs/", views.queue, name="queue"),
    path("tipoffs/figures/", views.figures, name="figures"),
    path("tipoffs/hotline/", views.hotline, name="hotline"),
    path("tipoffs/<int:pk>/", views.detail, name="detail"),
    path("tipoffs/<int:pk>/do/<slug:name>/", views.action, name="action"),
    path("tipoffs/<int:pk>/reward/<slug:name>/", views.action, {"kind": "reward"}, name="reward"),
    path("tipoffs/photos/<int:pk>/", views.photo, name="photo"),
    path("tipoffs/photos/<int:pk>/thumb/", views.photo, {"thumb": True}, name="photo-thumb"),
    # Open311 GeoReport v2
    re_path(rf"^open311/discovery\.{FMT}$", open311.discovery, name="open311-discovery"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.services_list, name="open311-services"),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.requests_collection, name="open311-requests"),
    re_path(rf"^open311/v2/requests/(?P<service_request_id>[^/]+)\.{FMT}$", open311.request_detail,
            name="open311-request"),
]
