"""Pagination for pages and the API: bounded depth and a total order.

OFFSET n costs n rows read and thrown away, so a page near the end of a million-row ledger
would be slow. Both the ledger page and the API page through the first MAX_PAGED_ROWS rows of
a result only (the total is still counted and shown); beyond that, the user narrows the
filters or turns the sort around. The deepest page therefore costs the same as page 200 of a
small county, whatever the size of the ledger. Every paged query also gets the primary key
as a last sort key, so rows with equal sort values never repeat or vanish between pages, and
deep pages skip their OFFSET over ids only (see BoundedPaginator.page).

Counting: a caller that can count exactly without reading the rows passes `exact_count` (the
hazard ledger asks `exact_count_of`, which supervision answers from the statistics rollup when the
filters are rollup dimensions: register_exact_count); otherwise the
rows are counted up to MAX_PAGED_ROWS + 1 only, so a province-wide list of 850,000 rows costs
no full count scan: past the bound the count is "more than MAX_PAGED_ROWS" (`count_exact`
False), which the page shows as 超过 N 条 and the API as `"count_exact": false`. The embedded
SQLite database (`dev.py run`, small) is always counted exactly.
A caller that knows its list is usually short under its filters passes `live_first` (the hazard
ledger: hazards.selectors.ledger_counts_live_first): the rows are then counted up to
LIVE_FIRST_ROWS + 1 first, exact when within it — an index-only scan of a few hundred entries
costs less than summing thousands of rollup rows — and `exact_count` is asked only past it.
"""
from __future__ import annotations

from functools import partial
from math import ceil
from typing import Callable

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

MAX_PAGED_ROWS = 10_000
# A `live_first` list is counted live up to this many rows before its exact counter is asked: at
# 1,000,000 hazards a county's running hazards (386 rows) count in 0.8 ms from the index where the
# rollup sums 4,092 daily rows in 3.4 ms; past it the wasted scan is bounded (bench/results/i18_thru2.md).
LIVE_FIRST_ROWS = 1_000
# Rows a list page offers (?page_size=): the ledger, tip-offs, inspections, incidents.
PAGE_SIZES = (20, 50, 100)


def page_size(request, sizes: tuple[int, ...] = PAGE_SIZES) -> int:
    """The page size asked for in `?page_size=` if it is one of `sizes`, else the first."""
    try:
        size = int(request.GET.get("page_size", sizes[0]))
    except (TypeError, ValueError):
        return sizes[0]
    return size if size in sizes else sizes[0]


def with_tiebreaker(queryset: QuerySet) -> QuerySet:
    """The queryset's order plus the primary key (in the direction of the last key)."""
    if not isinstance(queryset, QuerySet):
        return queryset
    order = list(queryset.query.order_by) or list(queryset.query.get_meta().ordering)
    if not order:
        return queryset
    names = [o.lstrip("-") for o in order if isinstance(o, str)]
    if "pk" in names or queryset.model._meta.pk.name in names:
        return queryset
    last = order[-1]
    descending = isinstance(last, str) and last.startswith("-")
    return queryset.order_by(*order, "-pk" if descending else "pk")


class BoundedPaginator(Paginator):
    """A Paginator whose pages cover at most the first `max_rows` rows; `count` is exact up to
    `max_rows` (or always, from `exact_count`), else max_rows + 1 with `count_exact` False."""

    max_rows = MAX_PAGED_ROWS
    live_first_rows = LIVE_FIRST_ROWS

    def __init__(self, object_list, per_page, *args, exact_count: Callable[[], int | None] | None = None,
                 live_first: bool = False, values: tuple[str, ...] = (), **kwargs):
        super().__init__(with_tiebreaker(object_list), per_page, *args, **kwargs)
        self.exact_count = exact_count
        self.live_first = live_first
        self.values = values  # read the page's rows as named tuples of these fields, not as models
        self.count_exact = True

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        postgres = isinstance(rows, QuerySet) and connections[rows.db].vendor == "postgresql"
        if postgres and self.live_first and self.exact_count:
            counted = self._count_up_to(self.live_first_rows)
            if counted <= self.live_first_rows:
                return counted
        exact = self.exact_count() if self.exact_count else None
        if exact is not None:
            return exact
        if not postgres:
            return super().count  # the embedded SQLite database is small: counted exactly
        counted = self._count_up_to(self.max_rows)
        self.count_exact = counted <= self.max_rows
        return counted

    def _count_up_to(self, bound: int) -> int:
        """The number of rows if at most `bound`, else bound + 1 (reads bound + 1 ids at most)."""
        return self.object_list.order_by().values("pk")[: bound + 1].count()

    @property
    def truncated(self) -> bool:
        return self.count > self.max_rows

    def page(self, number):
        """The page's ids are found first — OFFSET runs over the ids alone (an index-only scan where
        an index covers the filter and the order) — and only the page's rows are then read in full
        and joined: the first page of a county's 386 running hazards joins 50 rows, not 386. `values`
        reads those rows as named tuples."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        # The first page of a list that joins nothing is read as it is: no ids to choose apart.
        if isinstance(rows, QuerySet) and (bottom or self.values or rows.query.select_related):
            page_rows = rows.filter(pk__in=rows.values("pk")[bottom:top])
            if self.values:  # on the page's rows only: the count and the ids join nothing they need not
                page_rows = page_rows.values_list(*self.values, named=True)
            return self._get_page(page_rows, number, self)
        return self._get_page(rows[bottom:top], number, self)

    @cached_property
    def num_pages(self) -> int:
        count = min(self.count, self.max_rows)
        if count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, count - self.orphans) / self.per_page)


# Exact counters by list name. An app that can count a list without reading its rows registers
# one in its AppConfig.ready() (supervision: the hazard ledger, from the statistics rollup), so
# the list's own app does not import it.
_EXACT_COUNTERS: dict[str, Callable] = {}


def register_exact_count(list_name: str, counter: Callable) -> None:
    """`counter(user, params)` gives the exact row count of `list_name` under the filters
    `params` (a QueryDict), or None when it cannot (the pagination then counts up to its bound)."""
    _EXACT_COUNTERS[list_name] = counter


def exact_count_of(list_name: str, user, params) -> int | None:
    counter = _EXACT_COUNTERS.get(list_name)
    return counter(user, params) if counter else None


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = BoundedPaginator
    invalid_page_message = _("页码无效：只能翻阅前 10000 条记录，请增加筛选条件或改变排序方式。")

    def paginate_queryset(self, queryset, request, view=None):
        """A view with an `exact_count(request)` method counts its filtered rows that way (and live
        first when its `count_live_first(request)` says the list is short); one with `page_values`
        gets the page's rows as named tuples of those fields."""
        hook = getattr(view, "exact_count", None)
        live_first = getattr(view, "count_live_first", None)
        self.django_paginator_class = partial(BoundedPaginator, exact_count=(lambda: hook(request)) if hook else None,
                                              live_first=bool(live_first and live_first(request)),
                                              values=getattr(view, "page_values", ()))
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        body = dict(response.data)
        response.data = {"count": body.pop("count"), "count_exact": self.page.paginator.count_exact, **body}
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"] = {
            "count": result["properties"]["count"],
            "count_exact": {"type": "boolean", "example": True,
                            "description": "false: more rows than count says (counted up to the bound only)"},
            **{k: v for k, v in result["properties"].items() if k != "count"},
        }
        return result
