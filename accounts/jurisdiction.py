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

The rule imports no model (the models import it): reads of regions built on it — a region named
in a filter, a picker's regions — are accounts/selectors.py.
"""
from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.http import Http404

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


def is_province_administrator(user) -> bool:
    """An administrator (or a superuser) whose jurisdiction is the whole province: who edits
    what is the province's (the statutory calendar) and, with is_staff, opens the Django admin,
    whose lists are whole tables (accounts/admin_site.py)."""
    from .choices import REGION_CODE_LENGTH, RegionLevel, Role

    if not (user is not None and user.is_authenticated and user.is_active) or not has_role(user, (Role.ADMIN,)):
        return False
    prefix = region_prefix(user)
    return prefix is not None and len(prefix) <= REGION_CODE_LENGTH[RegionLevel.PROVINCE]


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


def region_and_ancestors(region_code: str) -> list[str]:
    """`region_code` and the codes of its ancestors, deepest first (codes are prefixes of their children)."""
    from .choices import REGION_CODE_LENGTH

    return [region_code[:n] for n in sorted(REGION_CODE_LENGTH.values(), reverse=True) if n <= len(region_code)]


def nearest_to_region(queryset: models.QuerySet, region_code: str, *, field: str = "region_id"):
    """The row of `queryset` set for the nearest region up the tree — `region_code` itself, else
    its deepest ancestor that has one — or None. One query. The settings that a region's subtree
    inherits (escalation ladders, day-counting rules) are all looked up here, and in SQL through
    `nearest_to_region_sql`."""
    return (queryset.filter(**{f"{field}__in": region_and_ancestors(region_code)})
            .order_by(Length(field).desc()).first())


def nearest_to_regions(queryset: models.QuerySet, region_codes, *, field: str = "region_id") -> dict:
    """`nearest_to_region` for many regions at once: {region code: row or None}. One query."""
    codes = set(region_codes)
    chains = {code: region_and_ancestors(code) for code in codes}
    found = {getattr(row, field): row
             for row in queryset.filter(**{f"{field}__in": {c for chain in chains.values() for c in chain}})}
    return {code: next((found[c] for c in chain if c in found), None) for code, chain in chains.items()}


def nearest_to_region_sql(*, table: str, alias: str, region_column: str, columns: tuple[str, ...],
                          on: str = "") -> tuple[str, dict[str, str]]:
    """The SQL twin of `nearest_to_region` for set-based statements: LEFT JOINs of `table` once per
    region-code length (equality joins the planner can hash) and, per column, the COALESCE that
    takes the deepest match (NULL when no region up the tree has a row). `on` is a further join
    condition with `{a}` standing for each join's alias."""
    from .choices import REGION_CODE_LENGTH

    lengths = sorted(REGION_CODE_LENGTH.values(), reverse=True)
    joins = "\n".join(
        f"LEFT JOIN {table} {alias}{n} ON {alias}{n}.region_id = substr({region_column}, 1, {n})"
        + (" AND " + on.format(a=f"{alias}{n}") if on else "") for n in lengths)
    values = {c: "COALESCE(" + ", ".join(f"{alias}{n}.{c}" for n in lengths) + ")" for c in columns}
    return joins, values


def region_in_jurisdiction(user, region_code: str | None) -> bool:
    """May `user` act on something located in `region_code`?"""
    prefix = region_prefix(user)
    return prefix is not None and region_code is not None and region_code.startswith(prefix)


def covering_region_q(region_code: str, *, min_length: int = 0) -> Q:
    """Users (staff) whose jurisdiction contains `region_code`: their region is it or one of its
    ancestors (region codes are prefixes of their descendants', see region_in_jurisdiction),
    no shallower than `min_length` digits (6: the county and below). For User querysets."""
    from .choices import REGION_CODE_LENGTH

    prefixes = [region_code[:n] for n in sorted(set(REGION_CODE_LENGTH.values()))
                if min_length <= n <= len(region_code)]
    return Q(region_id__in=prefixes)


class JurisdictionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JurisdictionQuerySet":
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
