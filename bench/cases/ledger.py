"""The ledger (台账): a city supervisor filters one county's running hazards, 50 a page, by
deadline — as the API, as the page; and how deep pages cost."""
from __future__ import annotations

from bench.harness import Case

from ._common import CITY_USER, COUNTY, PROVINCE_USER, api_ids, client_for, ledger_sql, ok, run_ledger_sql

FILTER = {"region": COUNTY, "status": ["assigned", "rectifying"], "ordering": "deadline", "page_size": 50}
# The city user's jurisdiction (4305) and the county filter, as the bare SQL states them.
WHERE = "h.region_id LIKE %(county)s AND h.status IN ('assigned', 'rectifying')"
PARAMS = {"county": COUNTY + "%"}


class LedgerApi(Case):
    name = "ledger_api"
    title = "台账 API：县 + 状态筛选，每页 50 条，按整改期限排序（市级督办用户）"
    target_ms, target_ratio = 100, 2  # issue 18: ratio ≤ 2

    def setup(self):
        self.client = client_for(CITY_USER)
        self.count_sql, self.page_sql = ledger_sql(WHERE, "h.current_deadline, h.id", limit=50)

    def code(self):
        return ok(self.client.get("/api/hazards/", FILTER))

    def sql(self, cursor):
        return run_ledger_sql(cursor, self.count_sql, self.page_sql, PARAMS)

    def same(self, response, rows):
        return api_ids(response) == rows


class LedgerPage(LedgerApi):
    name = "ledger_page"
    title = "台账页面（HTML）：同上筛选，每页 50 条"
    target_ms, target_ratio = 150, 3  # issue 18: ratio ≤ 3

    def code(self):
        return ok(self.client.get("/hazards/", FILTER))

    def same(self, response, rows):
        html = response.content.decode()
        positions = [html.find(f'/hazards/{pk}/"') for pk in rows[1]]
        return all(p >= 0 for p in positions) and positions == sorted(positions) and f"{rows[0]} 条" in html


class LedgerDeepPage(Case):
    """The province's whole signed-off ledger (≈850,000 rows), newest first: page 1 and the
    deepest page the pagination serves (page 200 of 50 = rows 9,951–10,000)."""

    target_ms = None  # reported: must not grow with depth

    def __init__(self, page: int):
        self.page = page
        # issue 18 item 4: page 1 of the huge list within 1.5× its SQL (the count strategy)
        self.target_ratio = 1.5 if page == 1 else None
        self.name = f"ledger_api_page_{page}"
        self.title = f"台账 API 深翻页：全省已销号（约85万条）第 {page} 页，每页 50 条（省级管理员）"

    def setup(self):
        self.client = client_for(PROVINCE_USER)
        self.count_sql, self.page_sql = ledger_sql(
            "h.status = 'signed_off'", "h.found_at DESC, h.id DESC", limit=50, offset=(self.page - 1) * 50)

    def code(self):
        return ok(self.client.get("/api/hazards/", {"status": "signed_off", "page": self.page, "page_size": 50}))

    def sql(self, cursor):
        return run_ledger_sql(cursor, self.count_sql, self.page_sql, {})

    def same(self, response, rows):
        return api_ids(response) == rows


CASES = [LedgerApi(), LedgerPage(), LedgerDeepPage(1), LedgerDeepPage(200)]
