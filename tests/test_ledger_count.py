"""Counting huge lists (issue #18): the ledger's count comes from the statistics rollup when its
filters are rollup dimensions (exact, without counting the rows), otherwise the rows are counted
up to the pagination's bound only and the page and the API say "more than N"."""
from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from hazards.choices import HazardLevel, HazardSource, HazardStatus
from hazards import selectors
from hazards.models import Hazard
from hazardtrack.pagination import BoundedPaginator
from hazards.selectors import ledger_counts_live_first
from supervision.statistics import rollup_ledger_count
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, region, sector, supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

S = HazardStatus


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ledger():
    """12 hazards in two counties over two months, in several states, levels, sources, sectors."""
    now = timezone.now()
    places = [("430522100", "industry_trade"), ("430522101", "hazchem"), ("430523100", "fire")]
    statuses = [S.REPORTED, S.REJECTED, S.RECTIFYING, S.VERIFIED, S.SIGNED_OFF, S.SIGNED_OFF]
    for n, ((code, sector_code), status) in enumerate(zip(itertools.cycle(places), statuses * 2)):
        enterprise = EnterpriseFactory(region=region(code), sector=sector(sector_code))
        HazardFactory(enterprise=enterprise, region=enterprise.region, sector=enterprise.sector, status=status,
                      level=HazardLevel.MAJOR if n % 5 == 0 else HazardLevel.GENERAL,
                      source=HazardSource.TIPOFF if n % 4 == 0 else HazardSource.INSPECTION,
                      found_at=now - datetime.timedelta(days=20 * (n % 3)))
    return UserFactory(role=Role.ADMIN, region=region("43"), username="count_admin")


FILTERS = [
    {}, {"status": [S.SIGNED_OFF]}, {"status": [S.RECTIFYING, S.VERIFIED]}, {"region": "430522"},
    {"region": "430522", "counted": "1"}, {"rectified": "1"}, {"rectified": "0", "counted": "1"}, {"counted": "0"},
    {"level": HazardLevel.MAJOR}, {"source": HazardSource.TIPOFF}, {"sector": ["hazchem", "fire"]},
    {"region_exact": "430522101"}, {"region": "4305", "status": [S.SIGNED_OFF], "level": HazardLevel.GENERAL},
    {"found_after": (timezone.localdate() - datetime.timedelta(days=30)).isoformat()},
    {"found_before": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(), "region": "430523"},
    {"region": "4304"},
]


@pytest.mark.parametrize("params", FILTERS)
def test_the_rollup_count_is_the_number_of_ledger_rows(ledger, client, params):
    client.force_login(ledger)
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    assert rollup_ledger_count(ledger, query) is not None
    body = client.get("/api/hazards/", query).json()
    page = client.get("/hazards/", query).content.decode()
    rows, _filterset = selectors.hazard_list(user=ledger, params=query)
    assert (body["count"], body["count_exact"]) == (rows.count(), True)
    assert f"共 {body['count']} 条" in page


def test_a_rollup_count_reads_no_hazard_rows(ledger, client):
    client.force_login(ledger)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/hazards/", {"status": "signed_off"}).json()
    assert body["count"] == 4 and body["count_exact"] is True
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "COUNT(" in sql.upper() and "hazards_hazard" in sql], statements
    assert any("supervision_hazardrollup" in sql for sql in statements)


def test_a_filter_the_rollup_does_not_hold_counts_up_to_the_bound_and_says_more_than(ledger, client, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "max_rows", 5)
    client.force_login(ledger)
    body = client.get("/api/hazards/", {"q": "隐患", "page_size": 2}).json()
    assert Hazard.objects.filter(title__contains="隐患").count() == 12
    assert (body["count"], body["count_exact"], len(body["results"])) == (6, False, 2)
    assert body["next"] and "page=2" in body["next"]  # pagination goes on
    second = client.get("/api/hazards/", {"q": "隐患", "page_size": 2, "page": 2}).json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in body["results"]})
    page = client.get("/hazards/", {"q": "隐患"}).content.decode()
    assert "超过 5 条" in page and "共 6 条" not in page
    # Below the bound the count is exact, whatever the filter.
    few = client.get("/api/hazards/", {"q": "隐患", "status": "reported"}).json()
    assert (few["count"], few["count_exact"]) == (2, True)


def test_an_enterprise_contact_and_a_county_outside_are_counted_right(ledger, client):
    enterprise = Hazard.objects.filter(region_id="430522100").first().enterprise
    contact = UserFactory(role=Role.ENTERPRISE, enterprise=enterprise, region=None, username="count_contact")
    assert rollup_ledger_count(contact, QueryDict("status=signed_off")) is None  # its own unit's rows, counted live
    client.force_login(contact)
    assert client.get("/api/hazards/").json()["count"] == Hazard.objects.filter(enterprise=enterprise).count()
    neighbour = supervisor("430523", username="count_neighbour")
    assert rollup_ledger_count(neighbour, QueryDict("region=430522")) == 0
    in_county = Hazard.objects.filter(region__code__startswith="430523").count()
    assert rollup_ledger_count(neighbour, QueryDict("")) == in_county


def test_a_regions_running_hazards_are_counted_live_and_exactly_and_past_the_bound_from_the_rollup(
        ledger, client, monkeypatch):
    client.force_login(ledger)
    query = QueryDict(mutable=True)
    query.setlist("status", [S.REPORTED, S.RECTIFYING])
    query["region"] = "430522"
    rows, _filterset = selectors.hazard_list(user=ledger, params=query)
    assert rows.count() == 2

    def counted() -> tuple[int, bool, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/hazards/", query).json()
        statements = [q["sql"] for q in queries.captured_queries]  # before the next request resets the log
        assert f"共 {body['count']} 条" in client.get("/hazards/", query).content.decode()
        return body["count"], body["count_exact"], statements

    count, exact, statements = counted()
    assert (count, exact) == (2, True)
    assert len(statements) == 4 and statements[2].startswith("SELECT COUNT(*)"), statements
    assert not [sql for sql in statements if "supervision_hazardrollup" in sql], statements
    # More rows than the live count's bound: the rollup gives the exact count, as before.
    monkeypatch.setattr(BoundedPaginator, "live_first_rows", 1)
    count, exact, statements = counted()
    assert (count, exact) == (2, True)
    assert len(statements) == 5 and "supervision_hazardrollup" in statements[3], statements


@pytest.mark.parametrize(("params", "live"), [
    ("status=reported&status=rectifying&region=430522", True),
    ("status=assigned&region_exact=430522101&ordering=deadline&page=2", True),
    ("status=assigned", True),
    ("status=signed_off&region=430522", False),  # the closed hazards are most of a ledger
    ("status=assigned&status=rejected", False),
    ("region=430522", False),
    ("status=assigned&level=major", False),  # a filter the index does not hold: the rollup counts
    ("status=assigned&q=配电箱", False),
])
def test_only_open_statuses_by_region_are_counted_live_first(params, live):
    assert ledger_counts_live_first(QueryDict(params)) is live
