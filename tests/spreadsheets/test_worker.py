"""The import on a real Celery worker (a subprocess on Redis, sharing the test database): the
page hands the job over, polls its progress, and the result is there when it comes back."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from hazards.choices import EventAction
from hazards.models import Hazard, HazardEvent
from spreadsheets.models import ImportJob
from tests.notices.conftest import ROOT, subprocess_env

from .workbooks import hazard_file, hazard_row, upload

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings):
    """A worker consuming a queue of its own, so nothing else on the broker reaches it."""
    from hazardtrack.celery import app

    queue = f"spreadsheets-test-{uuid.uuid4().hex[:8]}"
    env = subprocess_env(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hazardtrack", "worker", "-Q", queue, "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    saved = app.conf.task_default_queue, app.conf.task_always_eager
    app.conf.task_default_queue, app.conf.task_always_eager = queue, False
    yield process
    app.conf.task_default_queue, app.conf.task_always_eager = saved
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def poll(client, job: ImportJob, until: str, seen: list | None = None, timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/spreadsheets/imports/{job.pk}/status/").json()
        if seen is not None:
            seen.append((data["status"], data["processed"], data["total"]))
        if data["status"] in (until, "failed"):
            return data
        time.sleep(0.05)
    raise AssertionError(f"job still {data['status']} after {timeout} s")


def test_a_real_worker_validates_and_imports_while_the_page_shows_progress(county, client, worker):
    rows = [hazard_row(original_code=f"W-{n}", enterprise_name=county.mine.name) for n in range(3000)]
    client.force_login(county.supervisor)

    response = client.post("/spreadsheets/", {"kind": "hazards", "file": upload(hazard_file(rows))})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    validated = poll(client, job, "validated")
    assert (validated["status"], validated["valid"], validated["errors"]) == ("validated", 3000, 0), (
        validated, worker.poll() and worker.stderr.read())

    client.post(f"/spreadsheets/imports/{job.pk}/start/", {"mode": "all_or_nothing"})
    seen: list = []
    done = poll(client, job, "done", seen)

    assert (done["status"], done["imported"], done["processed"]) == ("done", 3000, 3000), done
    # The bar moved while the import's single transaction was still open.
    assert any(status == "importing" and 0 < processed < total for status, processed, total in seen), seen
    assert Hazard.objects.count() == 3000
    assert HazardEvent.objects.filter(action=EventAction.IMPORTED).count() == 3000
