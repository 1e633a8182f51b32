"""What the apps' recorded events share: a value made plain for JSON (an audit event's `changes`,
an import row's stored cells), and the listeners of those events.

Every hazard event (hazards.services._record) and tip-off event (tipoffs.services._record) is
announced here right after it is written, inside the transition's transaction: a listener's writes
commit or roll back with the transition. Apps register in their AppConfig.ready() (notices: event
notices), so the apps that record events import none of the apps that react. A listener that
raises undoes the transition, so it must only write rows.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Callable


def plain(value):
    """Dates as ISO text, decimals as text, dicts key by key, everything else as it is (JSON-ready)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_LISTENERS: dict[str, Callable] = {}


def listen(name: str, listener: Callable) -> None:
    """Register `listener(event)` under `name` (a second ready() call replaces, never doubles)."""
    _LISTENERS[name] = listener


def announce(event) -> None:
    for listener in list(_LISTENERS.values()):
        listener(event)
