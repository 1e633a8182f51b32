"""Writing audit records. Each is one INSERT; nothing here ever updates or deletes."""
from __future__ import annotations

import logging

from .choices import AuditAction
from .context import current_request
from .models import AuditLog

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address, decided the same way as the login lockout (settings AXES_IPWARE_*)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    try:
        return get_client_ip_address(request) or None
    except Exception:  # a malformed header must never stop the request it describes
        return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, request=None, actor=None, username: str = "", target: str = "",
           detail: dict | None = None) -> AuditLog:
    """Append one record. `request` defaults to the request being served (if any); `actor`
    defaults to its authenticated user."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    entry = AuditLog.objects.create(
        action=action,
        actor=actor,
        actor_username=(username or (actor.get_username() if actor is not None else ""))[:150],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        target=target[:200],
        detail=detail or {},
    )
    logger.info("audit", extra={"action": action, "actor": entry.actor_username, "target": entry.target})
    return entry


def record_export(*, request, what: str, count: int, **detail) -> AuditLog:
    """An export of `count` rows of `what` by the user of `request` (call it from every export
    view, after the rows are selected: the count is what left the system)."""
    return record(
        AuditAction.EXPORT, request=request, target=what,
        detail={"count": int(count), "path": request.get_full_path()[:500], **detail},
    )


def user_target(user) -> str:
    return f"accounts.user:{user.pk} {user.get_username()}"
