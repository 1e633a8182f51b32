"""Other apps' in-app messages that the bell counts and the inbox shows (a small registry).

The hazard notices live in `Delivery`; an app with messages of its own (incident reports …)
registers an `InboxSource` in its AppConfig.ready(): `unread(user)` gives a queryset of the
user's unread rows (the bell counts them together with the deliveries in one query, UNION ALL),
`mark_all_read(user)` backs "全部标为已读", and `template` is included at the top of the inbox.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db.models import QuerySet


@dataclass(frozen=True)
class InboxSource:
    name: str
    unread: Callable[..., QuerySet]
    mark_all_read: Callable[..., int]
    template: str


_SOURCES: dict[str, InboxSource] = {}


def register(source: InboxSource) -> None:
    _SOURCES[source.name] = source  # by name: a second ready() call does not add it twice


def registered() -> list[InboxSource]:
    return list(_SOURCES.values())
