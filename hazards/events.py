"""Listeners of audit events (a small registry, so hazards/ does not import the apps that react).

Every hazard event (services._record) and tip-off event (tipoffs.services._record) is announced
here right after it is written, inside the transition's transaction: a listener's writes commit
or roll back with the transition. Apps register in their AppConfig.ready() (notices: event
notices). A listener that raises undoes the transition, so it must only write rows.
"""
from __future__ import annotations

from typing import Callable

_LISTENERS: dict[str, Callable] = {}


def listen(name: str, listener: Callable) -> None:
    """Register `listener(event)` under `name` (a second ready() call replaces, never doubles)."""
    _LISTENERS[name] = listener


def announce(event) -> None:
    for listener in list(_LISTENERS.values()):
        listener(event)
