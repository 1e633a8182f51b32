"""Reads on a real replica: a streaming standby of the test PostgreSQL (conftest.py) serves the
dashboard and the statistics API, and a user who just wrote reads their own change from the
primary. Replay on the standby is paused while the primary moves on, so a figure tells which
server answered: rows only the primary has are missing from a replica read."""
from __future__ import annotations

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hazardtrack.db_router import COOKIE, REPLICA
from hazards.choices import HazardStatus
from hazards.models import Hazard
from tests.factories import EnterpriseFactory, HazardFactory, region, supervisor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STATISTICS = "/api/statistics/?region=430522"


@pytest.fixture
def replica_reads(streaming_replica, settings):
    """The running standby as the "replica" alias, with the router and middleware installed as
    settings.py installs them when DATABASE_REPLICA_URL is set."""
    config = dict(connections["default"].settings_dict, HOST="127.0.0.1", PORT=str(streaming_replica.port))
    connections.settings[REPLICA] = config
    # Connected here, not lazily: the test case only lets the aliases it knows open connections
    # (the replica is not one of them, so that it is neither flushed nor serialised).
    connections[REPLICA].connect()
    settings.DATABASE_ROUTERS = [settings.REPLICA_ROUTER]
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], settings.REPLICA_MIDDLEWARE, *settings.MIDDLEWARE[1:]]
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 30
    try:
        yield streaming_replica
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def frozen_replica(replica_reads):
    """Pause replay on the standby (after it caught up); resumed at the end."""
    replica_reads.wait_for_replay()
    standby = replica_reads.connect()
    standby.autocommit = True
    with standby.cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0], "the replica is not a standby"
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        yield replica_reads
    finally:
        with standby.cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
        standby.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def found(response) -> int:
    assert response.status_code == 200, response.content[:300]
    return response.json()["headline"]["found"]


def reported_hazards(n: int, enterprise) -> list[Hazard]:
    return [HazardFactory(enterprise=enterprise, status=HazardStatus.REPORTED) for _ in range(n)]


def test_dashboard_reads_go_to_the_replica(replica_reads, request):
    enterprise = EnterpriseFactory(region=region("430522100"))
    boss = supervisor("430522")
    reported_hazards(3, enterprise)
    frozen = request.getfixturevalue("frozen_replica")  # the standby has the 3 hazards, then stops replaying
    reported_hazards(2, enterprise)  # on the primary only
    assert Hazard.objects.count() == 5

    client = Client()
    client.force_login(boss)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(STATISTICS)
    assert found(response) == 3 and response["X-Read-Database"] == REPLICA
    assert any("hazards_hazard" in q["sql"] for q in on_replica.captured_queries)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, frozen.port)

    page = client.get("/supervision/?region=430522")
    assert page.status_code == 200 and page["X-Read-Database"] == REPLICA
    assert COOKIE not in page.cookies  # reading (and the session's own save) pins nobody to the primary
    # The ledger is not a dashboard: it reads the primary.
    assert client.get("/api/hazards/")["X-Read-Database"] == "default"


def test_a_fresh_write_is_seen_by_its_author_and_not_yet_by_others(replica_reads, request):
    enterprise = EnterpriseFactory(region=region("430522100"))
    author, colleague = supervisor("430522"), supervisor("4305")
    request.getfixturevalue("frozen_replica")  # the standby knows the regions and no hazard
    before = reported_hazards(3, enterprise)
    mine, other = Client(), Client()
    mine.force_login(author)
    other.force_login(colleague)
    assert found(other.get(STATISTICS)) == 0  # the standby stopped before these hazards

    response = mine.post(f"/api/hazards/{before[0].pk}/reject/", {"version": before[0].version, "reason": "重复上报"},
                         content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert COOKIE in response.cookies

    own = mine.get(STATISTICS)
    assert own["X-Read-Database"] == "default" and found(own) == 2  # 3 reported, 1 of them rejected
    theirs = other.get(STATISTICS)
    assert theirs["X-Read-Database"] == REPLICA and found(theirs) == 0
