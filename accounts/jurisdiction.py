"""Jurisdiction: the one place that decides what a user may see.

A staff user sees their region's subtree; an enterprise contact sees only what belongs to their
enterprise; an administrator without a region sees everything. A superuser is above roles and
jurisdiction, whatever role and region their record names: `is_exempt` is that one rule,
`region_prefix` gives them everything, `has_role` puts them in every role group. Every list, detail, API
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
from django.http import Http404

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


def is_exempt(user) -> bool:
    """The superuser exemption, decided here once: a superuser may act in every region and in
    every role, whatever their own role and region are."""
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def has_role(user, roles) -> bool:
    """Is `user` in one of `roles` (a role group of accounts/choices.py)? A superuser always is."""
    if user is None or not user.is_authenticated:
        return False
    return is_exempt(user) or user.role in roles


def region_prefix(user) -> str | None:
    """The region-code prefix of the user's jurisdiction: "" for everything, None for nothing
    (enterprise contacts, anonymous, staff without a region)."""
    from .choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if is_exempt(user):
        return ""
    if user.role == Role.ENTERPRISE:
        return None
    if user.role == Role.ADMIN:
        return user.region_id or ""
    return user.region_id or None


def jurisdiction_q(user, *, region_field: str | None, enterprise_field: str | None = None) -> Q:
    """The filter for `user` over a model whose region/enterprise are at the given paths."""
    from .choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == Role.ENTERPRISE and not is_exempt(user):
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
