"""Reads of regions for the pages of every app: a region named in a filter, the regions a
picker offers. Scoped by the jurisdiction rule (accounts/jurisdiction.py); nothing outside it."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length

from .choices import REGION_CODE_LENGTH
from .jurisdiction import region_prefix
from .models import Region


def regions_named(user, text: str) -> models.QuerySet:
    """Regions of the user's jurisdiction that `text` names: those with that name, else those
    whose name starts with it ("邵阳" → 邵阳县), in tree order."""
    visible = Region.objects.visible_to(user)
    exact = visible.filter(name=text)
    return exact if exact.exists() else visible.filter(name__startswith=text)


# A region picker lists the user's own region and this many levels below it (province → city →
# county; county → township → village): a province's every village would be tens of thousands.
PICKER_DEPTH = 2


def picker_regions(user, *, selected: str = "") -> list[tuple[str, str, int]]:
    """(code, name, depth) of the regions a user may pick, in tree order; `selected` (a deeper
    region of the jurisdiction, e.g. from a shared link) is listed too. Nothing outside."""
    prefix = region_prefix(user)
    if prefix is None:
        return []
    lengths = sorted(REGION_CODE_LENGTH.values())
    top = next((i for i, n in enumerate(lengths) if n >= len(prefix)), 0) if prefix else 0
    allowed = lengths[top: top + PICKER_DEPTH + 1]
    wanted = Q(code_length__in=allowed)
    if selected and selected.isdigit():
        wanted |= Q(code=selected)
    rows = (Region.objects.visible_to(user).annotate(code_length=Length("code")).filter(wanted).order_by("code")
            .values_list("code", "name"))
    return [(code, name, max(lengths.index(len(code)) - top, 0) if len(code) in lengths else 0) for code, name in rows]
