"""待办 — my work: per role, what waits for the user, each a count and a link to the ledger
rows it counts. Each item is a set of HazardFilterSet parameters, so the count and the ledger
link use one definition; all counts come from one query."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.jurisdiction import is_exempt
from accounts.models import User

from .filtersets import HazardFilterSet
from .ladder import deadline_days
from .selectors import hazard_queryset

S_REPORTED, S_REJECTED, S_VERIFIED, S_SIGNED_OFF = "reported", "rejected", "verified", "signed_off"
SUPERVISOR_ITEMS = (
    ("to_confirm", _("待认定的上报隐患"), {"status": [S_REPORTED]}),
    ("extensions", _("待审批的延期申请"), {"extension_pending": "1"}),
    ("to_sign_off", _("复查通过、待销号"), {"mine": "signable"}),
    ("resume_reviews", _("待审查的复产申请"), {"resume_pending": "1"}),
)
ITEMS = {
    Role.SUPERVISOR: SUPERVISOR_ITEMS,
    Role.ADMIN: SUPERVISOR_ITEMS,
    Role.INSPECTOR: (
        ("to_verify", _("待我复查的整改"), {"mine": "verifiable"}),
        ("due_soon", _("我跟踪的临期隐患"), {"mine": "inspecting", "due_soon": "1"}),
        ("overdue", _("我跟踪的逾期隐患"), {"mine": "inspecting", "overdue": "1"}),
    ),
    Role.ENTERPRISE: (
        ("to_rectify", _("待整改隐患"), {"status": ["assigned", "rectifying"], "ordering": "deadline"}),
        ("redo", _("复查未通过、需重新整改"), {"verification_failed": "1"}),
    ),
    Role.GRID: (
        ("reported", _("我上报、待认定"), {"mine": "found", "status": [S_REPORTED]}),
        ("in_progress", _("我上报、整改中"), {"mine": "found", "status": ["confirmed", "assigned", "rectifying",
                                                                       "rectification_reported", S_VERIFIED]}),
        ("signed_off", _("我上报、已销号"), {"mine": "found", "status": [S_SIGNED_OFF]}),
        ("rejected", _("我上报、不予认定"), {"mine": "found", "status": [S_REJECTED]}),
    ),
}


# Items that also list their first hazards, each with the days left before its deadline.
LISTED_ITEMS = {"to_rectify"}
LISTED_ROWS = 20


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    # For LISTED_ITEMS: the first LISTED_ROWS hazards by deadline, each {"id", "code", "title",
    # "url", "deadline" (ISO date or None), "days_left" (negative: days overdue; None: no deadline), "days_overdue"}.
    hazards: list[dict] | None = None


def _listed(rows) -> list[dict]:
    """The first hazards of an item with their days left, counted as their region counts its
    deadlines (hazards/ladder.py, the clock the ledger and the detail page show): two queries."""
    hazards = list(rows.only("id", "code", "title", "current_deadline")[:LISTED_ROWS])
    clocks = deadline_days(hazards)
    listed = []
    for h in hazards:
        clock = clocks.get(h.pk)
        days = -clock.days_overdue if clock else None
        listed.append({"id": h.pk, "code": h.code, "title": h.title, "url": reverse("hazards:detail", args=[h.pk]),
                       "deadline": h.current_deadline.isoformat() if h.current_deadline else None,
                       "days_left": days, "days_overdue": max(0, -days) if days is not None else None,
                       "working_days": bool(clock and clock.working)})
    return listed


def _params(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def todo_list(*, user: User) -> list[TodoItem]:
    """The user's to-do items, counted in one query whatever their number of rows (and one more
    per listed item for its first rows)."""
    items = ITEMS.get(user.role, SUPERVISOR_ITEMS if is_exempt(user) else ())
    if not items:
        return []
    parts, params, listed = [], [], {}
    for key, _label, filters in items:
        rows = HazardFilterSet(_params(filters), queryset=hazard_queryset(user=user), user=user).qs
        if key in LISTED_ITEMS:
            listed[key] = rows
        sql, args = rows.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS t)")
        params.extend(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    ledger = reverse("hazards:ledger")
    return [TodoItem(key, str(label), count, f"{ledger}?{urlencode(filters, doseq=True)}",
                     _listed(listed[key]) if key in listed and count else ([] if key in listed else None))
            for (key, label, filters), count in zip(items, counts)]
