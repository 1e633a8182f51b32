"""Redis (the Celery broker) is stopped: pages and the API keep working, the nightly job still
fills the outbox, /readyz says the broker is down; when Redis returns, the worker reconnects
by itself and delivery catches up — each message once."""
from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from hazards.escalation import run_escalation
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import LADDER_KINDS
from notices.models import Delivery, Notice, WebhookEndpoint
from tests.factories import HazardFactory
from tests.faults.conftest import day, send_task, start_worker, subprocess_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_is(settings):
    """Point this process's Celery app (readyz, task sending) at a broker URL."""
    from hazardtrack.celery import app

    saved = app.conf.broker_url

    def point(url: str):
        settings.CELERY_BROKER_URL = url
        app.conf.broker_url = url

    yield point
    app.conf.broker_url = saved


def test_with_redis_stopped_the_site_works_and_notices_wait_in_the_outbox_until_it_returns(
        county, robot, private_redis, broker_is):
    broker_is(private_redis.url)
    WebhookEndpoint.objects.create(region=county.enterprise.region, name="县安委办群", url=robot.url)
    hazards = [county.hazard() for _ in range(3)]
    reported = HazardFactory(enterprise=county.enterprise, status="reported")
    worker = start_worker(subprocess_env(REDIS_URL=private_redis.url, CELERY_BROKER_URL=private_redis.url,
                                         EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"))
    try:
        page = Client()
        page.force_login(county.county_supervisor)
        api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=county.county_supervisor).key}")
        assert page.get("/readyz").status_code == 200

        private_redis.stop()

        ready = page.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"].startswith("error") and ready.json()["checks"]["database"] == "ok"
        assert page.get("/").status_code == 200
        assert page.get("/hazards/").status_code == 200
        assert api.get("/api/hazards/").json()["count"] == 4
        confirmed = api.post(f"/api/hazards/{reported.pk}/confirm/", json.dumps({"version": 1}),
                             content_type="application/json")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"

        run_escalation(as_of=day(1))  # the nightly job
        outbox = Delivery.objects.exclude(channel=Channel.INAPP)
        waiting = outbox.count()
        assert waiting > 0 and outbox.filter(status=DeliveryStatus.PENDING).count() == waiting
        with pytest.raises(Exception):  # the minute's delivery task cannot even be queued
            send_task(private_redis.url, "notices.deliver_pending", seconds=5)
        assert outbox.filter(status=DeliveryStatus.PENDING).count() == waiting  # nothing lost meanwhile

        private_redis.start()  # Redis is back, on the same port

        assert page.get("/readyz").status_code == 200
        send_task(private_redis.url, "notices.deliver_pending", seconds=5)  # beat's next tick
        wait_until(lambda: not outbox.filter(status=DeliveryStatus.PENDING).exists(), 180,
                   "the reconnected worker to drain the outbox")
    finally:
        worker.kill()
    assert set(outbox.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # The three ladder rungs of the night (the confirm's own notice tells its reporter).
    assert Notice.objects.filter(kind__in=LADDER_KINDS).count() == 3 and outbox.count() == waiting
    messages = json.dumps([r.body for r in robot.received], ensure_ascii=False)
    assert all(messages.count(h.code) == 1 for h in hazards)  # each once, in one digest
    assert "Connection to broker lost" in worker.output() or "Cannot connect" in worker.output() \
        or "reconnect" in worker.output().lower()
