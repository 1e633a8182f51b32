"""What the cases share: logged-in clients for the seeded users, the ledger's bare SQL."""
from __future__ import annotations

import json

from django.test import Client

from accounts.models import User

# Users of the seeded data set (demo/scale_data.py): the province administrator, the first
# supervisor of 邵阳市 (city 4305) and of 新邵县 (county 430522).
PROVINCE_USER = "sc_admin"
CITY_USER = "sc_sup_4305_1"
COUNTY_USER = "sc_sup_430522_1"
COUNTY = "430522"


def client_for(username: str) -> Client:
    """A browser-like client with a real session (session middleware, CSRF, auth: the lot)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def ok(response):
    if response.status_code != 200:
        raise AssertionError(f"{response.status_code}: {response.content[:300]!r}")
    return response


def api_ids(response) -> tuple[int, list[int]]:
    data = json.loads(response.content)
    return data["count"], [row["id"] for row in data["results"]]


LEDGER_COLUMNS = """
    h.id, h.code, h.title, h.level, h.status, h.source, h.category, h.found_at, h.current_deadline,
    h.original_deadline, h.version, h.rectified_on_spot, r.code, r.name, s.code, s.name, e.id, e.name
"""
LEDGER_FROM = """
    FROM hazards_hazard h
    JOIN accounts_region r ON r.code = h.region_id
    JOIN accounts_sector s ON s.code = h.sector_id
    LEFT JOIN accounts_enterprise e ON e.id = h.enterprise_id
"""


def ledger_sql(where: str, order: str, *, limit: int, offset: int = 0) -> tuple[str, str]:
    """(count SQL, page SQL) of a ledger page as one would write them by hand."""
    count = f"SELECT count(*) FROM hazards_hazard h WHERE {where}"
    if offset:  # skip over the ids only, then read the page's rows
        ids = f"SELECT h.id FROM hazards_hazard h WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        page = f"SELECT {LEDGER_COLUMNS} {LEDGER_FROM} WHERE h.id IN ({ids}) ORDER BY {order}"
    else:
        page = f"SELECT {LEDGER_COLUMNS} {LEDGER_FROM} WHERE {where} ORDER BY {order} LIMIT {limit}"
    return count, page


def run_ledger_sql(cursor, count_sql: str, page_sql: str, params) -> tuple[int, list[int]]:
    cursor.execute(count_sql, params)
    total = cursor.fetchone()[0]
    cursor.execute(page_sql, params)
    return total, [row[0] for row in cursor.fetchall()]
