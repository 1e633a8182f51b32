"""A county with everyone the ladder notifies, hazards with a running deadline, and a real
group-robot receiver (an HTTP server on 127.0.0.1) for the webhook channel."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from accounts.models import Enterprise, User
from hazards.choices import HazardStatus
from hazards.escalation import TEST_PAUSE_ENV, run_escalation
from hazards.models import Hazard
from notices.choices import LADDER_KINDS
from notices.models import Notice
from tests.factories import EnterpriseFactory, HazardFactory, enterprise_contact, inspector, region, supervisor

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = datetime.date(2026, 3, 10)


def day(offset: int, deadline: datetime.date = DEADLINE) -> datetime.date:
    """The calendar day `offset` days after the deadline (negative: before it)."""
    return deadline + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests create many users and never log in with a password: skip PBKDF2's cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class County:
    """新邵县 (430522) in 邵阳市 (4305): a unit, its contact, the inspector following its hazards,
    the county's and the city's supervisors — and a supervisor of another county."""

    enterprise: Enterprise
    contact: User
    inspector: User
    county_supervisor: User
    city_supervisor: User
    other_county_supervisor: User

    def hazard(self, *, deadline: datetime.date = DEADLINE, level: str = "general", **kw) -> Hazard:
        kw.setdefault("enterprise", self.enterprise)
        return HazardFactory(
            status=kw.pop("status", HazardStatus.RECTIFYING), level=level, original_deadline=deadline,
            current_deadline=deadline, assigned_inspector=kw.pop("assigned_inspector", self.inspector),
            responsible_unit=kw["enterprise"].name if kw["enterprise"] else "", **kw,
        )


@pytest.fixture
def county(db) -> County:
    enterprise = EnterpriseFactory(region=region("430522100", "太芝庙镇"))
    return County(
        enterprise=enterprise,
        contact=enterprise_contact(enterprise, email="contact@example.cn"),
        inspector=inspector("430522", email="inspector@example.cn"),
        county_supervisor=supervisor("430522", email="county@example.cn"),
        city_supervisor=supervisor("4305", email="city@example.cn"),
        other_county_supervisor=supervisor("430407", email="other@example.cn"),
    )


def escalate(as_of: datetime.date, **kw):
    return run_escalation(as_of=as_of, **kw)


def rungs(hazard: Hazard) -> list[tuple[int, datetime.date]]:
    """The ladder's notices of a hazard (event notices, e.g. of an extension, are not rungs)."""
    return list(Notice.objects.filter(hazard=hazard, kind__in=LADDER_KINDS).order_by("deadline", "level").values_list("level", "deadline"))


# --- a group robot: a real HTTP server -----------------------------------------------------

@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class RobotServer:
    url: str
    received: list[Received] = field(default_factory=list)
    # Answers to give, in order; when empty, DingTalk's "ok".
    answers: list[tuple[int, dict]] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def robot():
    state = RobotServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            parsed = urllib.parse.urlparse(self.path)
            state.received.append(Received(
                path=parsed.path, query=dict(urllib.parse.parse_qsl(parsed.query)),
                headers=dict(self.headers), body=json.loads(self.rfile.read(length) or b"{}"),
            ))
            status, answer = state.answers.pop(0) if state.answers else (200, {"errcode": 0, "errmsg": "ok"})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=test-token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


# --- subprocesses that share the test database (PostgreSQL, transactional tests) -------------

def subprocess_env(**extra: str) -> dict:
    """The environment of a child process (manage.py, a Celery worker) that must use the test
    database pytest-django created: same server, `test_<name>` database."""
    from django.db import connection

    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != TEST_PAUSE_ENV}
    env.update({"DATABASE_URL": url, "PYTHONUNBUFFERED": "1", **extra})
    return env


def start_manage(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
