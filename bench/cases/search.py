"""Free-text search of the whole province's ledger (province administrator), first page of 50
newest plus the total: a rare four-character term (part of an enterprise's name) and a common
two-character one (叉车, in ~5 % of hazards)."""
from __future__ import annotations

from bench.harness import Case

from ._common import PROVINCE_USER, api_ids, client_for, ledger_sql, ok, run_ledger_sql

# The same condition as hazards/search.py: the bigram index narrows, the ILIKEs decide.
WHERE = """
    ht_hazard_bigrams(h.code, h.original_code, h.title, h.description) @> ht_bigrams(upper(%(q)s))
    AND (upper(h.code) LIKE upper(%(like)s) OR upper(h.original_code) LIKE upper(%(like)s)
         OR upper(h.title) LIKE upper(%(like)s) OR upper(h.description) LIKE upper(%(like)s))
"""


# A two-character term is one bigram: the index answer is exact (hazards/search.py).
WHERE_BIGRAM = "ht_hazard_bigrams(h.code, h.original_code, h.title, h.description) @> ht_bigrams(upper(%(q)s))"


class LedgerSearch(Case):
    target_ms, target_ratio = 300, 2
    iterations = 20

    def __init__(self, name: str, term: str, what: str):
        self.name, self.term = name, term
        self.title = f"台账全文检索（全省，省级管理员）：{what}“{term}”，首页 50 条 + 总数"

    def setup(self):
        self.client = client_for(PROVINCE_USER)
        where = WHERE_BIGRAM if len(self.term) == 2 else WHERE
        self.count_sql, self.page_sql = ledger_sql(where, "h.found_at DESC, h.id DESC", limit=50)
        self.params = {"q": self.term, "like": f"%{self.term}%"}

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
