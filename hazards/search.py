"""Free-text search of the ledger (code, original code, title, description), suited to Chinese.

The meaning is plain substring matching, case-insensitive (ILIKE '%词%' on each field). On
PostgreSQL a necessary condition is added in front so that the GIN index of migration 0004 can
answer it: the query's bigrams (every two-character substring) must all occur among the
hazard's bigrams. Chinese has no spaces between words and most searches are two characters
long, which is why bigrams and not pg_trgm's trigrams (a two-character pattern yields no
trigram and degenerates to a full scan). A two-character query is answered by the index
alone; a one-character query has no bigram and is answered by the ILIKE alone.

On PostgreSQL the exact test is written as one `strpos(upper(document), upper(query)) > 0` over
the same newline-joined document the index is built from: Django's icontains is
`upper(field) LIKE upper('%q%')` with wildcards escaped, and a query without a newline lies
inside one field, so this is the definition itself. It serves two ends (issue 18):
- the planner chooses per term from the GIN index's element statistics (how often the bigrams
  occur): a rare term reads the few rows of the bitmap and sorts them; a common one (叉车, ~5 %)
  walks the (found_at DESC, id DESC) index and stops after the first page, ~1,000 rows;
- on that walk the cheap strpos runs first and the costly bigram array is built for the matching
  rows only (building it for every row read cost ~120 ms per page).
The total is counted by the bounded paginator (hazardtrack/pagination.py, 超过 10000 条).
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


class DocumentContains(BigramsContain):
    """strpos(upper(code || '\\n' || original_code || '\\n' || title || '\\n' || description), upper(<query>)) > 0:
    the document of ht_hazard_bigrams (migration 0004), NULLs as ''."""

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for column in self.columns:
            sql, p = compiler.compile(column)
            parts.append(f"coalesce(({sql})::text, '')")
            params.extend(p)
        query_sql, query_params = compiler.compile(self.query)
        document = " || E'\\n' || ".join(parts)
        return f"strpos(upper({document}), upper({query_sql})) > 0", [*params, *query_params]


def bigrams(text: str) -> set[str]:
    """Python's ht_bigrams(upper(text)): every two-character substring."""
    text = (text or "").upper()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def search_hazards(queryset: QuerySet, value: str) -> QuerySet:
    """Hazards whose code, original code, title or description contains `value`."""
    text = Q()
    for name in SEARCH_FIELDS:
        text |= Q(**{f"{name}__icontains": value})
    if connection.vendor == "postgresql" and len(value) >= 2 and "\n" not in value:
        # The index narrows, the strpos decides (see the module's docstring for why not ILIKE).
        return queryset.filter(DocumentContains(value), BigramsContain(value))
    if connection.vendor == "postgresql" and len(value) >= 2:
        return queryset.filter(BigramsContain(value), text)
    return queryset.filter(text)
