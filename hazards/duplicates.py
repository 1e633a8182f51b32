"""Possible duplicates (issue 19): open hazards of the same enterprise whose title or
description is nearly the same as a new report's. One selector for the report page, the API,
the spreadsheet import and tip-off triage.

Similarity is the Dice coefficient of the two texts' bigram sets (the bigrams of the search
index, hazards/search.py): Chinese has no word boundaries and titles are short, so shared
two-character pieces are what "nearly the same title" means. On PostgreSQL the index first
narrows the enterprise's open hazards to those sharing a bigram; SQLite scores them all.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import Enterprise, User

from .choices import OPEN_STATUSES
from .models import Hazard
from .search import BigramsOverlap, bigrams

SIMILAR = 0.5  # Dice ≥ 0.5: e.g. "二楼消防通道堵塞" vs "二楼消防通道被杂物堵塞" is 0.71
MAX_CANDIDATES = 5
# An enterprise with more open hazards than this is compared with its most recent ones.
MAX_COMPARED = 300
FIELDS = ("id", "code", "title", "description", "status", "level", "found_at", "enterprise_id")


NEAR_METRES = 100  # a tip-off this close to an open hazard (or its enterprise) is flagged
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Candidate:
    hazard: Hazard
    score: float  # 0…1
    metres: int | None = None  # distance, for a tip-off near the hazard

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def score(title: str, description: str, hazard: Hazard) -> float:
    """The closer of title to title and description to description."""
    return max(dice(bigrams(title), bigrams(hazard.title)),
               dice(bigrams(description), bigrams(hazard.description)))


def rank(title: str, description: str, hazards: Iterable[Hazard], *, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    scored = (Candidate(h, score(title, description, h)) for h in hazards)
    similar = [c for c in scored if c.score >= SIMILAR]
    return sorted(similar, key=lambda c: (-c.score, -c.hazard.pk))[:limit]


def open_hazards(*, user: User | None, enterprise_ids: Iterable[int]) -> QuerySet[Hazard]:
    queryset = Hazard.objects.visible_to(user) if user is not None else Hazard.objects.all()
    return (queryset.filter(enterprise_id__in=list(enterprise_ids), status__in=OPEN_STATUSES)
            .only(*FIELDS).order_by("-found_at", "-id"))


def duplicate_candidates(*, user: User | None, enterprise: Enterprise | int | None, title: str,
                         description: str = "", exclude: Iterable[int] = ()) -> list[Candidate]:
    """The open hazards of `enterprise` (those `user` may see) most like this report. One query."""
    if enterprise is None or not ((title or "").strip() or (description or "").strip()):
        return []
    enterprise_id = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    rows = open_hazards(user=user, enterprise_ids=[enterprise_id]).exclude(pk__in=list(exclude))
    text = f"{title or ''}\n{description or ''}"
    if connection.vendor == "postgresql" and len(text.strip()) >= 2:
        rows = rows.filter(BigramsOverlap(text))
    return rank(title or "", description or "", rows[:MAX_COMPARED])


def duplicates_by_row(*, user: User, rows: list[dict]) -> dict[int, list[Candidate]]:
    """For a batch of report rows ({"row", "enterprise", "title", "description"}): row number →
    candidates. One query for the whole batch (the spreadsheet preview)."""
    enterprise_ids = {r["enterprise"] for r in rows if r.get("enterprise")}
    if not enterprise_ids:
        return {}
    by_enterprise: dict[int, list[Hazard]] = {}
    for hazard in open_hazards(user=user, enterprise_ids=enterprise_ids):
        by_enterprise.setdefault(hazard.enterprise_id, []).append(hazard)
    found = {}
    for row in rows:
        candidates = rank(row.get("title") or "", row.get("description") or "",
                          by_enterprise.get(row.get("enterprise"), [])[:MAX_COMPARED])
        if candidates:
            found[row["row"]] = candidates
    return found


def metres_between(lat1, lon1, lat2, lon2) -> float:
    """Haversine distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _box(lat: float, lon: float, radius: int) -> Q:
    """The open hazards roughly within `radius` of a point: a bounding box on the hazard's own
    coordinates or, without them, its enterprise's."""
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return (Q(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
            | Q(latitude__isnull=True, enterprise__latitude__range=(lat - dlat, lat + dlat),
                enterprise__longitude__range=(lon - dlon, lon + dlon)))


def hazards_near_many(*, user: User, points: dict, radius: int = NEAR_METRES) -> dict:
    """For several places (key → (latitude, longitude, text)): key → the open hazards (visible
    to `user`) within `radius` metres, nearest first, `score` the text's similarity. One query
    for them all (the triage queue flags a whole page): the boxes in SQL, exact distances here."""
    points = {key: (float(lat), float(lon), text) for key, (lat, lon, text) in points.items()
              if lat is not None and lon is not None}
    if not points:
        return {}
    boxes = Q()
    for lat, lon, _text in points.values():
        boxes |= _box(lat, lon, radius)
    # Most recent first, so a crowded area still shows its newest hazards within the cap.
    rows = list(Hazard.objects.visible_to(user).filter(boxes, status__in=OPEN_STATUSES)
                .select_related("enterprise").only(*FIELDS, "latitude", "longitude", "enterprise__name",
                                                    "enterprise__latitude", "enterprise__longitude")
                .order_by("-found_at", "-id")[:MAX_COMPARED * len(points)])
    found: dict = {}
    for key, (lat, lon, text) in points.items():
        near = []
        for hazard in rows:
            point = ((hazard.latitude, hazard.longitude) if hazard.latitude is not None
                     else (hazard.enterprise.latitude, hazard.enterprise.longitude))
            if point[0] is None or point[1] is None:
                continue
            metres = metres_between(lat, lon, *point)
            if metres <= radius:
                near.append(Candidate(hazard, score(text, text, hazard), round(metres)))
        if near:
            found[key] = sorted(near, key=lambda c: (c.metres, -c.hazard.pk))[:MAX_CANDIDATES]
    return found


def hazards_near(*, user: User, latitude: Decimal | None, longitude: Decimal | None, text: str = "",
                 radius: int = NEAR_METRES) -> list[Candidate]:
    """Open hazards (visible to `user`) within `radius` metres of one point. One query."""
    return hazards_near_many(user=user, points={0: (latitude, longitude, text)}, radius=radius).get(0, [])
