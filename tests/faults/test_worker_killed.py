"""The worker is killed (SIGKILL: no cleanup, no goodbye) during the nightly job and during
delivery; the next run finishes the work and every notice and delivery exists exactly once."""
from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hazards.escalation import TEST_PAUSE_ENV
from hazards.models import Hazard
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import LADDER_KINDS, RunStatus
from notices.models import Delivery, EscalationRun, Notice, WebhookEndpoint
from tests.faults.conftest import Process, send_task, start_worker, subprocess_env, wait_until, worker_children
from tests.notices.conftest import day

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSED = "escalation: paused inside the open transaction"


def escalate_in_child(as_of, **env) -> Process:
    return Process.start([sys.executable, "manage.py", "escalate_overdue", "--as-of", as_of.isoformat()],
                         env=subprocess_env(**env))


def snapshot() -> dict:
    """What the night produced, comparable between runs (its ladder; a dead run's alarm aside)."""
    ladder = Notice.objects.filter(kind__in=LADDER_KINDS)
    return {
        "notices": sorted(ladder.values_list("hazard_id", "kind", "level", "deadline")),
        "deliveries": sorted(Delivery.objects.filter(notice__in=ladder).values_list(
            "notice__hazard_id", "notice__level", "channel", "recipient_id", "endpoint_id")),
        "flags": sorted(Hazard.objects.values_list("id", "overdue_since", "circular_queued_on")),
    }


def assert_each_exactly_once(state: dict) -> None:
    assert len(state["notices"]) == len(set(state["notices"]))
    assert len(state["deliveries"]) == len(set(state["deliveries"]))


def test_the_nightly_job_killed_mid_run_leaves_nothing_half_done_and_the_next_run_does_the_night(county):
    for _ in range(4):
        county.hazard()
    killed = escalate_in_child(day(7), **{TEST_PAUSE_ENV: "120"})
    killed.wait_for(PAUSED)  # notices inserted, nothing committed yet

    killed.kill()

    assert Notice.objects.count() == Delivery.objects.count() == 0
    assert not Hazard.objects.filter(overdue_since__isnull=False).exists()
    assert EscalationRun.objects.get().status == RunStatus.RUNNING  # the dead process's run

    again = escalate_in_child(day(7))
    assert again.popen.wait(timeout=120) == 0, again.output()
    first = snapshot()
    assert len(first["notices"]) == 4 and {n[2] for n in first["notices"]} == {2}  # level 2 on day 7
    assert_each_exactly_once(first)
    statuses = list(EscalationRun.objects.order_by("started_at").values_list("status", flat=True))
    assert statuses == [RunStatus.INTERRUPTED, RunStatus.SUCCEEDED]

    third = escalate_in_child(day(7))
    assert third.popen.wait(timeout=120) == 0
    assert snapshot() == first  # a repeated night changes nothing


@pytest.mark.redis
def test_a_worker_process_killed_during_the_nightly_task_is_replaced_and_the_task_finishes(county, private_redis):
    """A real Celery worker: its pool process dies mid-task; the message was not acknowledged
    (acks_late, reject_on_worker_lost), so the worker runs the task again to the end."""
    for _ in range(3):
        county.hazard()
    env = subprocess_env(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url, **{TEST_PAUSE_ENV: "6"})
    worker = start_worker(env)
    try:
        send_task(private_redis.url, "hazards.escalate_overdue", as_of=day(1).isoformat())
        worker.wait_for(PAUSED, timeout=120)
        (child,) = worker_children(worker)
        import os
        import signal

        os.kill(child, signal.SIGKILL)

        wait_until(lambda: EscalationRun.objects.filter(status=RunStatus.SUCCEEDED).exists(), 180,
                   "the redelivered task to finish")
    finally:
        worker.kill()
    assert "WorkerLostError" in worker.output() or "Process 'ForkPoolWorker" in worker.output()
    state = snapshot()
    assert len(state["notices"]) == 3 and {n[2] for n in state["notices"]} == {1}
    assert_each_exactly_once(state)
    assert set(EscalationRun.objects.values_list("status", flat=True)) == {RunStatus.INTERRUPTED,
                                                                          RunStatus.SUCCEEDED}


class HangingRobot:
    """A group robot that takes `hang` seconds to answer its first message, then answers at once."""

    def __init__(self, hang: float):
        self.received: list[dict] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                robot.received.append(body)
                if len(robot.received) == 1:
                    time.sleep(hang)
                payload = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_delivery_killed_mid_send_is_finished_by_the_next_run_and_nothing_is_doubled(county):
    from django.utils import timezone

    from hazards.escalation import run_escalation

    robot = HangingRobot(hang=120)
    try:
        WebhookEndpoint.objects.create(region=county.enterprise.region, name="县安委办群", url=robot.url)
        hazards = [county.hazard() for _ in range(3)]
        run_escalation(as_of=day(1))
        rows_before = snapshot()
        outbox = Delivery.objects.exclude(channel=Channel.INAPP)
        assert outbox.filter(status=DeliveryStatus.PENDING).count() == outbox.count() > 0

        sender = Process.start([sys.executable, "manage.py", "deliver_notices", "--seconds", "5"],
                               env=subprocess_env(NOTICES_WEBHOOK_TIMEOUT="300",
                                                  EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"))
        wait_until(lambda: robot.received, 120, "the robot to receive the message")
        sender.kill()  # mid-send: the robot has the message, the outbox has no answer recorded

        webhook = Delivery.objects.filter(channel=Channel.WEBHOOK)
        assert set(webhook.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 1)}
        webhook.update(next_attempt_at=timezone.now())  # its 15-minute claim has run out

        again = Process.start([sys.executable, "manage.py", "deliver_notices", "--seconds", "5"],
                              env=subprocess_env(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"))
        assert again.popen.wait(timeout=120) == 0, again.output()
    finally:
        robot.close()

    assert set(outbox.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert snapshot() == rows_before  # no notice and no delivery row was added or doubled
    assert_each_exactly_once(rows_before)
    last_message = json.dumps(robot.received[-1], ensure_ascii=False)
    assert all(h.code in last_message for h in hazards)
