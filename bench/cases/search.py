"""Free-text search of the whole province's ledger (province administrator), first page of 50
newest plus the total: a rare four-character term (part of an enterprise's name) and a common
two-character one (叉车, in ~5 % of hazards)."""
from __future__ import annotations

from bench.harness import Case

from hazardtrack.pagination import MAX_PAGED_ROWS

from ._common import PROVINCE_USER, api_ids, client_for, ledger_sql, ok, run_ledger_sql

# The same condition as hazards/search.py within the province's jurisdiction: the bigram index
# narrows, one strpos over the same newline-joined document decides; the planner chooses per term
# between the bitmap (rare) and the walk down (found_at DESC, id DESC) (common).
WHERE = """
    h.region_id LIKE '43%%'
    AND strpos(upper(coalesce(h.code, '') || E'\\n' || coalesce(h.original_code, '') || E'\\n'
                     || coalesce(h.title, '') || E'\\n' || coalesce(h.description, '')), upper(%(q)s)) > 0
    AND ht_hazard_bigrams(h.code, h.original_code, h.title, h.description) @> ht_bigrams(upper(%(q)s))
"""
# The total as the bounded paginator counts it (hazardtrack/pagination.py): up to 10,001 rows.
BOUND = MAX_PAGED_ROWS + 1


class LedgerSearch(Case):
    target_ms, target_ratio = 150, 2  # issue 18 item 5: p95 < 150 ms at 1,000,000
    iterations = 20

    def __init__(self, name: str, term: str, what: str):
        self.name, self.term = name, term
        self.title = f"台账全文检索（全省，省级管理员）：{what}“{term}”，首页 50 条 + 总数"

    def setup(self):
        self.client = client_for(PROVINCE_USER)
        count_sql, self.page_sql = ledger_sql(WHERE, "h.found_at DESC, h.id DESC", limit=50)
        self.count_sql = count_sql.replace("SELECT count(*) FROM hazards_hazard h WHERE",
                                           "SELECT count(*) FROM (SELECT 1 FROM hazards_hazard h WHERE", 1)
        self.count_sql += f" LIMIT {BOUND}) bounded"
        self.params = {"q": self.term}

    def code(self):
        return ok(self.client.get("/api/hazards/", {"q": self.term, "page_size": 50}))

    def sql(self, cursor):
        return run_ledger_sql(cursor, self.count_sql, self.page_sql, self.params)

    def same(self, response, rows):
        return api_ids(response) == rows


CASES = [
    LedgerSearch("search_rare", "宏达化工", "少见词"),
    LedgerSearch("search_common", "叉车", "常见词"),
]
