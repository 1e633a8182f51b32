"""PostgreSQL restarts under load (a private cluster on a free port, fast shutdown: every
connection cut, open transactions rolled back). gunicorn keeps serving: requests caught by the
restart fail cleanly with a 503 and a Chinese message — never a 500, never half a transition —
and the app reconnects by itself (CONN_HEALTH_CHECKS) without being restarted."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import requests

from tests.faults.conftest import ROOT, Process, free_port, wait_until

pytestmark = pytest.mark.postgres

HAZARDS = 60

SEED = """
import json
from rest_framework.authtoken.models import Token
from hazards import services
from tests import factories
enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
reporter = factories.inspector("430522", username="reporter")
boss = factories.supervisor("430522", username="boss")
ids = [services.hazard_create(actor=reporter, data={"title": f"重启测试{n}", "enterprise": enterprise}).pk
       for n in range(%d)]
print("SEED" + json.dumps({"token": Token.objects.create(user=boss).key, "ids": ids}))
""" % HAZARDS

STATE = """
import json
from django.db.models import Count, Q
from hazards.models import Hazard, HazardEvent
rows = []
for h in Hazard.objects.annotate(n_events=Count("events"), n_confirmed=Count("events", filter=Q(events__action="confirmed"))):
    last = HazardEvent.objects.filter(hazard=h).order_by("-id").first()
    rows.append([h.pk, h.status, h.version, h.n_events, h.n_confirmed, last.to_status])
print("STATE" + json.dumps(rows))
"""


def manage(env: dict, *args: str, marker: str | None = None):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    if marker:
        line = next(line for line in result.stdout.splitlines() if line.startswith(marker))
        return json.loads(line[len(marker):])
    return None


def test_requests_fail_cleanly_while_postgresql_restarts_and_the_app_reconnects_by_itself(private_cluster, tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=private_cluster.url, HAZARDTRACK_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1",
               MEDIA_ROOT=str(tmp_path / "media"), LOG_LEVEL="WARNING")
    manage(env, "migrate", "--noinput")
    seeded = manage(env, "shell", "-c", SEED, marker="SEED")
    port = free_port()
    server = Process.start([str(ROOT / ".venv" / "bin" / "gunicorn") if (ROOT / ".venv/bin/gunicorn").exists()
                            else "gunicorn", "hazardtrack.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                            "--timeout", "60", "--graceful-timeout", "5"], env=env)
    base = f"http://127.0.0.1:{port}"
    session_headers = {"Authorization": f"Token {seeded['token']}", "Content-Type": "application/json"}
    statuses: Counter = Counter()
    outcome: dict[int, int] = {}
    lock = threading.Lock()
    try:
        wait_until(lambda: _get(base + "/healthz") == 200, 60, "gunicorn to start")
        todo = list(seeded["ids"])

        def client():
            while True:
                with lock:
                    if not todo:
                        return
                    pk = todo.pop()
                code = _post(f"{base}/api/hazards/{pk}/confirm/", {"version": 1}, session_headers)
                listed = _get(f"{base}/api/hazards/?page_size=20", session_headers)
                with lock:
                    outcome[pk] = code
                    statuses[code] += 1
                    statuses[listed] += 1
                time.sleep(0.05)

        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        wait_until(lambda: len(outcome) >= 5, 60, "the load to start")
        private_cluster.restart()  # under load
        for t in threads:
            t.join(timeout=300)

        assert not any(t.is_alive() for t in threads)
        assert statuses[500] == 0, f"server errors during the restart: {statuses}"
        assert set(statuses) <= {200, 409, 503, -1}, statuses  # -1: connection reset while the worker was busy

        # The app reconnects by itself: no restart of gunicorn, the next requests just work.
        wait_until(lambda: _get(f"{base}/api/hazards/?page_size=5", session_headers) == 200, 30, "reconnection")
        failed = [pk for pk, code in outcome.items() if code != 200]
        for pk in failed:  # the user tries again: refused ones were never half-applied
            again = _post(f"{base}/api/hazards/{pk}/confirm/", {"version": 1}, session_headers)
            assert again in (200, 409), again
    finally:
        server.kill()
        log = server.output()

    assert "Traceback" not in log or "OperationalError" in log, log[-3000:]
    state = manage(env, "shell", "-c", STATE, marker="STATE")
    assert len(state) == HAZARDS
    for pk, status, version, events, confirmations, last_to in state:
        # No partial transition: every change came with its event, and exactly one confirmation.
        assert (status, version, events, confirmations, last_to) == ("confirmed", 2, 2, 1, "confirmed"), pk
    print(f"statuses during the restart: {dict(statuses)}")


def _get(url: str, headers: dict | None = None) -> int:
    try:
        return requests.get(url, headers=headers, timeout=30).status_code
    except requests.RequestException:
        return -1


def _post(url: str, body: dict, headers: dict) -> int:
    try:
        return requests.post(url, data=json.dumps(body), headers=headers, timeout=30).status_code
    except requests.RequestException:
        return -1
