"""Without DATABASE_REPLICA_URL nothing changes: no second alias, no router, no middleware (the
embedded SQLite default included); with one, the settings add all three."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connections, router

from hazardtrack.db_router import ReplicaRouter
from hazards.models import Hazard

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_replica_url_there_is_no_replica_alias_router_or_middleware():
    assert not os.environ.get("DATABASE_REPLICA_URL")
    assert "replica" not in settings.DATABASES and "replica" not in connections.settings
    assert settings.DATABASE_ROUTERS == [] and settings.REPLICA_MIDDLEWARE not in settings.MIDDLEWARE
    assert router.db_for_read(Hazard) == "default"


def test_outside_a_dashboard_request_the_router_reads_the_primary():
    assert ReplicaRouter().db_for_read(Hazard) is None
    assert ReplicaRouter().allow_migrate("replica", "hazards") is False


def settings_with(env: dict) -> str:
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([sorted(s.DATABASES), s.DATABASE_ROUTERS, s.MIDDLEWARE[1], "
            "s.DATABASES.get('replica', {}).get('PORT'), s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')]))")
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "hazardtrack.settings", **env}).stdout


def test_a_replica_url_adds_the_alias_the_router_and_the_middleware():
    import json

    off = json.loads(settings_with({}))
    assert off[0] == ["default"] and off[1] == []
    on = json.loads(settings_with({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
                                   "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/x"}))
    assert on == [["default", "replica"], ["hazardtrack.db_router.ReplicaRouter"],
                  "hazardtrack.db_router.ReplicaReadsMiddleware", 5433, "default"]
