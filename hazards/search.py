"""Free-text search of the ledger (code, original code, title, description), suited to Chinese.

The meaning is plain substring matching, case-insensitive (ILIKE '%词%' on each field). On
PostgreSQL a necessary condition is added in front so that the GIN index of migration 0004 can
answer it: the query's bigrams (every two-character substring) must all occur among the
hazard's bigrams. Chinese has no spaces between words and most searches are two characters
long, which is why bigrams and not pg_trgm's trigrams (a two-character pattern yields no
trigram and degenerates to a full scan). A two-character query is answered by the index
alone; a one-character query has no bigram and is answered by the ILIKE alone.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, QuerySet, Value

SEARCH_FIELDS = ("code", "original_code", "title", "description")


class BigramsContain(Expression):
    """ht_hazard_bigrams(code, original_code, title, description) @> ht_bigrams(upper(<query>))"""

    output_field = BooleanField()
    conditional = True
    operator = "@>"

    def __init__(self, query: str):
        super().__init__()
        self.columns = [F(name) for name in SEARCH_FIELDS]
        self.query = Value(query)

    def get_source_expressions(self):
        return [*self.columns, self.query]

    def set_source_expressions(self, exprs):
        *self.columns, self.query = exprs

    def resolve_expression(self, *args, **kwargs):
        clone = self.copy()
        clone.columns = [c.resolve_expression(*args, **kwargs) for c in self.columns]
        clone.query = self.query.resolve_expression(*args, **kwargs)
        return clone

    def as_sql(self, compiler, connection):
        columns, params = [], []
        for column in self.columns:
            sql, p = compiler.compile(column)
            columns.append(sql)
            params.extend(p)
        query_sql, query_params = compiler.compile(self.query)
        return (f"ht_hazard_bigrams({', '.join(columns)}) {self.operator} ht_bigrams(upper({query_sql}))",
                [*params, *query_params])


class BigramsOverlap(BigramsContain):
    """The hazard shares at least one bigram with the query (the same GIN index answers it)."""

    operator = "&&"


def bigrams(text: str) -> set[str]:
    """Python's ht_bigrams(upper(text)): every two-character substring."""
    text = (text or "").upper()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def search_hazards(queryset: QuerySet, value: str) -> QuerySet:
    """Hazards whose code, original code, title or description contains `value`."""
    text = Q()
    for name in SEARCH_FIELDS:
        text |= Q(**{f"{name}__icontains": value})
    if connection.vendor == "postgresql" and len(value) >= 2:
        if len(value) == 2 and "\n" not in value:
            # A two-character query is one bigram: containing it IS containing the substring
            # (the fields are joined with newlines, which such a query cannot span), so the
            # index answer is exact, and counting it needs no row to be read.
            return queryset.filter(BigramsContain(value))
        return queryset.filter(BigramsContain(value), text)
    return queryset.filter(text)
