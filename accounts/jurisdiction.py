"""Jurisdiction: the one place that decides what a user may see.

A staff user sees their region's subtree; an enterprise contact sees only what belongs to their
enterprise; an administrator without a region sees everything. Every list, detail, API
endpoint, export and statistic scopes its queryset with `visible_to(user)`; objects outside
answer 404 (`get_visible_or_404`), so their existence does not leak.

Models opt in by using `JurisdictionQuerySet` and naming their fields:
    jurisdiction_region_field = "region"          # a FK to Region (or "code" on Region)
    jurisdiction_enterprise_field = "enterprise"  # a FK to Enterprise, "pk" on Enterprise
"""
from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.http import Http404

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


def region_prefix(user) -> str | None:
    """The region-code prefix of the user's jurisdiction: "" for everything, None for nothing
    (enterprise contacts, anonymous, staff without a region)."""
    from .choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.ENTERPRISE:
        return None
    if user.is_superuser or user.role == Role.ADMIN:
        return user.region_id or ""
    return user.region_id or None


def jurisdiction_q(user, *, region_field: str | None, enterprise_field: str | None = None) -> Q:
    """The filter for `user` over a model whose region/enterprise are at the given paths."""
    from .choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        if enterprise_field and user.enterprise_id:
            return Q(**{enterprise_field: user.enterprise_id})
        return NOTHING
    prefix = region_prefix(user)
    if prefix is None or region_field is None:
        return NOTHING
    if prefix == "":
        return Q()
    # `region__code__startswith` compiles to `region_id LIKE '4305%'`: Django drops the join
    # because code is Region's primary key.
    lookup = "code__startswith" if region_field == "code" else f"{region_field}__code__startswith"
    return Q(**{lookup: prefix})


def region_in_jurisdiction(user, region_code: str | None) -> bool:
    """May `user` act on something located in `region_code`?"""
    prefix = region_prefix(user)
    return prefix is not None and region_code is not None and region_code.startswith(prefix)


def regions_named(user, text: str) -> models.QuerySet:
    """Regions of the user's jurisdiction that `text` names: those with that name, else those
    whose name starts with it ("邵阳" → 邵阳县), in tree order."""
    from .models import Region

    visible = Region.objects.visible_to(user)
    exact = visible.filter(name=text)
    return exact if exact.exists() else visible.filter(name__startswith=text)


# A region picker lists the user's own region and this many levels below it (province → city →
# county; county → township → village): a province's every village would be tens of thousands.
PICKER_DEPTH = 2


def picker_regions(user, *, selected: str = "") -> list[tuple[str, str, int]]:
    """(code, name, depth) of the regions a user may pick, in tree order; `selected` (a deeper
    region of the jurisdiction, e.g. from a shared link) is listed too. Nothing outside."""
    from .choices import REGION_CODE_LENGTH
    from .models import Region

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


class JurisdictionQuerySet(models.QuerySet):
    def visible_to(self, user: "User") -> "JurisdictionQuerySet":
        model = self.model
        return self.filter(
            jurisdiction_q(
                user,
                region_field=getattr(model, "jurisdiction_region_field", None),
                enterprise_field=getattr(model, "jurisdiction_enterprise_field", None),
            )
        )


def get_visible_or_404(queryset: models.QuerySet, user, **lookup):
    """Fetch one object the user may see; anything else — missing or out of jurisdiction —
    is the same 404."""
    if not isinstance(queryset, JurisdictionQuerySet):
        raise TypeError("get_visible_or_404 needs a JurisdictionQuerySet")
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404
