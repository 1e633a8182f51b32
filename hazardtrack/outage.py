"""When PostgreSQL is gone for a moment (a restart, a failover): a clean 503, not a 500."""
import logging

logger = logging.getLogger("hazardtrack.request")


class DatabaseUnavailableMiddleware:
    """A lost database connection is an outage, not a bug: answer 503 with Retry-After and a
    plain Chinese message (JSON under /api/) instead of a 500 page. The failed request's
    transaction was rolled back by the database; Django opens a fresh connection on the next
    request (CONN_HEALTH_CHECKS), so the app recovers by itself once PostgreSQL is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse, JsonResponse
        from django.utils.translation import gettext as _

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable", extra={"path": request.path, "error": str(exception)[:300]})
        message = _("数据库暂时不可用，您的操作未被保存，请稍后重试。")
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "database_unavailable", "detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
