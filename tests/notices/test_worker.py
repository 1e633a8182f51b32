"""The nightly job as it really runs: on a Celery worker fed by Redis, beside a second run, and
killed halfway. Each (hazard, level, deadline) notice exists exactly once whatever happens."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

from hazards.escalation import TEST_PAUSE_ENV, run_escalation
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import LADDER_KINDS, NoticeKind, RunStatus
from notices.models import Delivery, EscalationRun, Notice

from .conftest import ROOT, day, start_manage, subprocess_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, *, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Lines:
    """Collects a child process's output lines in a background thread."""

    def __init__(self, stream):
        self.lines: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, *, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout:.0f} s; got:\n" + "\n".join(self.lines[-40:]))


def one_per_rung() -> bool:
    keys = list(Notice.objects.values_list("hazard_id", "level", "deadline"))
    return len(keys) == len(set(keys))


@pytest.fixture
def celery_worker():
    """Start a real Celery worker on Redis, consuming a queue of its own; stop it afterwards."""
    started: list[subprocess.Popen] = []

    def start(**env_extra: str) -> tuple[subprocess.Popen, str]:
        queue = f"test-{uuid.uuid4().hex[:12]}"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hazardtrack", "worker", "--pool=solo", "--without-heartbeat",
             "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel=INFO"],
            cwd=ROOT, env=subprocess_env(**env_extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        started.append(process)
        process.output = Lines(process.stdout)
        process.output.wait_for("ready.", timeout=90)
        return process, queue

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.mark.redis
def test_a_celery_worker_on_redis_runs_the_night_and_delivers_its_email(county, celery_worker, settings):
    hazard = county.hazard()
    _worker, queue = celery_worker()
    from hazards.tasks import escalate_overdue
    from notices.tasks import deliver_pending

    escalate_overdue.apply_async(kwargs={"as_of": day(1).isoformat()}, queue=queue)
    run = wait_until(lambda: EscalationRun.objects.filter(as_of=day(1), status=RunStatus.SUCCEEDED).first(),
                     what="the escalation run")
    assert run.level1 == 1
    assert list(Notice.objects.filter(hazard=hazard).values_list("level", flat=True)) == [1]
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == 2  # the unit's contact and the assigned inspector
    assert set(emails.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    deliver_pending.apply_async(kwargs={"seconds": 5}, queue=queue)
    wait_until(lambda: not emails.exclude(status=DeliveryStatus.SENT).exists(), what="the emails to be sent")
    assert all(d.attempts == 1 and d.sent_at for d in emails)


def test_a_second_run_started_while_the_first_is_working_does_nothing(county):
    hazards = [county.hazard() for _ in range(3)]
    first = start_manage("escalate_overdue", "--as-of", day(1).isoformat(),
                         env=subprocess_env(**{TEST_PAUSE_ENV: "8"}))
    try:
        errors = Lines(first.stderr)
        errors.wait_for("paused inside the open transaction", timeout=90)
        second = run_escalation(as_of=day(1))
        assert second.status == RunStatus.SKIPPED
        assert first.wait(timeout=90) == 0, "\n".join(errors.lines)
    finally:
        if first.poll() is None:
            first.kill()
    assert Notice.objects.filter(level=1).count() == len(hazards)
    assert EscalationRun.objects.filter(as_of=day(1), status=RunStatus.SUCCEEDED).count() == 1
    assert one_per_rung()


@pytest.mark.redis
def test_a_worker_killed_mid_run_leaves_nothing_half_done_and_the_next_run_finishes_the_night(
        county, celery_worker):
    hazards = [county.hazard() for _ in range(4)]
    # The night before was done: level-1 notices exist, so the killed run is the level-2 night.
    assert run_escalation(as_of=day(1)).status == RunStatus.SUCCEEDED
    worker, queue = celery_worker(**{TEST_PAUSE_ENV: "120"})
    from hazards.tasks import escalate_overdue

    escalate_overdue.apply_async(kwargs={"as_of": day(7).isoformat()}, queue=queue)
    worker.output.wait_for("paused inside the open transaction", timeout=90)
    os.killpg(worker.pid, signal.SIGKILL)  # the machine loses the worker, mid-transaction
    worker.wait(timeout=30)

    # Nothing of the killed run was committed: no level-2 notice, no queued delivery for it.
    assert not Notice.objects.filter(level=2).exists()
    killed = EscalationRun.objects.get(as_of=day(7))
    assert killed.status == RunStatus.RUNNING

    rerun = run_escalation(as_of=day(7))
    assert rerun.status == RunStatus.SUCCEEDED and rerun.level2 == len(hazards)
    killed.refresh_from_db()
    assert killed.status == RunStatus.INTERRUPTED
    assert Notice.objects.filter(level=2).count() == len(hazards)
    assert Notice.objects.filter(level=1).count() == len(hazards)
    assert one_per_rung()
    # Running the night once more changes nothing.
    again = run_escalation(as_of=day(7))
    assert again.notices_total == 0
    assert Notice.objects.filter(kind__in=LADDER_KINDS).count() == 2 * len(hazards)
    # …and the administrators were told once that the killed run died.
    assert list(Notice.objects.filter(kind=NoticeKind.RUN_ALARM).values_list("alarm_run_id", flat=True)) == [killed.pk]
