"""Site-wide pages of the platform: the health endpoints, the 404 answer, a pending upload's
thumbnail. The home page and 待办 show hazards, so hazards/views.py serves them."""
from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is up (no dependencies checked)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> None:
    from hazardtrack.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def readyz(request):
    """Database and broker reachable; 503 naming the failing part otherwise."""
    checks, ok = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # any failure of a dependency is "not ready", never a 500
            ok = False
            checks[name] = f"error: {exc.__class__.__name__}"
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def not_found(request, exception=None):
    """404: JSON under /api/ (clients parse it; found by fuzzing), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


@login_required
def pending_upload(request, pk):
    """The thumbnail of a file kept from a refused form: only for the user who chose it (404 for
    anyone else, whatever the id; expired uploads are gone)."""
    from django.http import FileResponse, Http404

    from .models import PendingUpload

    item = PendingUpload.objects.live().filter(pk=pk, owner=request.user).first()
    if item is None or not item.thumbnail:
        raise Http404
    try:
        handle = item.thumbnail.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
