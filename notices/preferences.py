"""Which channels a user wants for each kind of notice (消息设置). In-app is always on; email is
on by default (it reaches whoever has an address on file), the group robot is off by default (a
chat group is shared: each user opts in). Rows exist only for the kinds a user changed."""
from __future__ import annotations

from .choices import PREFERENCE_KINDS
from .models import NoticePreference, WebhookEndpoint

DEFAULT_EMAIL = True
DEFAULT_WEBHOOK = False


def channels_for(*, user_ids: list[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """{user id: (email, robot)} for one kind of notice, one query."""
    chosen = {uid: (email, webhook) for uid, email, webhook in NoticePreference.objects.filter(
        user_id__in=user_ids, kind=kind).values_list("user_id", "email", "webhook")}
    return {uid: chosen.get(uid, (DEFAULT_EMAIL, DEFAULT_WEBHOOK)) for uid in user_ids}


def preferences_of(user) -> dict[str, tuple[bool, bool]]:
    """{kind: (email, robot)} for every kind the page offers."""
    saved = {kind: (email, webhook) for kind, email, webhook in NoticePreference.objects.filter(
        user=user).values_list("kind", "email", "webhook")}
    return {kind: saved.get(kind, (DEFAULT_EMAIL, DEFAULT_WEBHOOK)) for kind in PREFERENCE_KINDS}


def robot_available(user) -> bool:
    """Has the user's region (or their enterprise's, or an ancestor) a group robot?"""
    from accounts.jurisdiction import covering_region_q

    region = user.region_id or (user.enterprise.region_id if user.enterprise_id else None)
    return bool(region) and WebhookEndpoint.objects.filter(covering_region_q(region), enabled=True).exists()
