"""The unread count behind the bell in the top bar; queried only when a page shows the bell."""
from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notices(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_count

    return {"notice_unread_count": SimpleLazyObject(lambda: unread_count(user=user))}
