"""A night is never skipped silently: a worker with beat, started after the nightly run's time
passed without a run, runs that night at once — once, however many times it is started."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from hazardtrack.dates import local_today
from notices.catchup import claim_missed_night, last_scheduled_time
from notices.choices import RunStatus, RunTrigger
from notices.models import EscalationCatchUp, EscalationRun, Notice

from .conftest import ROOT, subprocess_env
from .test_worker import Lines, wait_until

pytestmark = [pytest.mark.postgres]


def start_worker_with_beat(tmp_path, queue: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hazardtrack", "worker", "-B", "--pool=solo", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-Q", queue, "-s", str(tmp_path / f"beat-{uuid.uuid4().hex[:6]}"),
         "--loglevel=INFO"],
        cwd=ROOT, env=subprocess_env(CELERY_TASK_DEFAULT_QUEUE=queue), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    process.output = Lines(process.stdout)
    process.output.wait_for("ready.", timeout=90)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_with_beat_started_after_a_missed_night_runs_it_once(county, tmp_path):
    hazard = county.hazard(deadline=local_today() - datetime.timedelta(days=2))  # level 1 due tonight
    queue = f"test-{uuid.uuid4().hex[:12]}"
    first = start_worker_with_beat(tmp_path, queue)
    try:
        run = wait_until(lambda: EscalationRun.objects.filter(status=RunStatus.SUCCEEDED).first(),
                         timeout=60, what="the missed night's run")
    finally:
        stop(first)
    assert (run.trigger, run.as_of) == (RunTrigger.CATCH_UP, last_scheduled_time().date())
    assert list(Notice.objects.filter(hazard=hazard).values_list("level", flat=True)) == [1]

    second = start_worker_with_beat(tmp_path, queue)
    try:
        time.sleep(5)  # long enough for a second catch-up to be sent and run, were there one
    finally:
        stop(second)
    assert EscalationRun.objects.count() == 1 and EscalationCatchUp.objects.count() == 1
    assert Notice.objects.filter(hazard=hazard).count() == 1


@pytest.mark.django_db
def test_a_night_is_claimed_once_and_not_at_all_after_it_ran(settings):
    settings.NOTICES_ESCALATION_HOUR = 1
    tz = datetime.timezone(datetime.timedelta(hours=8))
    morning = datetime.datetime(2026, 11, 5, 9, 0, tzinfo=tz)
    assert last_scheduled_time(morning) == datetime.datetime(2026, 11, 5, 1, 0, tzinfo=tz)
    assert last_scheduled_time(morning.replace(hour=0, minute=30)) == datetime.datetime(2026, 11, 4, 1, 0, tzinfo=tz)
    assert claim_missed_night(morning) == datetime.date(2026, 11, 5)
    assert claim_missed_night(morning) is None  # a second start: already claimed
    EscalationRun.objects.create(as_of=datetime.date(2026, 11, 6), status=RunStatus.SUCCEEDED,
                                 finished_at=datetime.datetime(2026, 11, 6, 1, 0, 5, tzinfo=tz))
    assert claim_missed_night(datetime.datetime(2026, 11, 6, 8, 0, tzinfo=tz)) is None  # the night ran
    assert claim_missed_night(datetime.datetime(2026, 11, 7, 8, 0, tzinfo=tz)) == datetime.date(2026, 11, 7)
