"""A job is a row that tasks claim: a duplicate delivery does nothing, a job whose worker died is
taken over, and a broker that is down fails the job with a message instead of a 500."""
from __future__ import annotations

import datetime
import socket

import pytest
from django.utils import timezone

from hazards.models import Hazard
from spreadsheets import services
from spreadsheets.choices import ImportMode, ImportStatus
from spreadsheets.models import ImportJob

from .conftest import validate
from .workbooks import hazard_file, hazard_row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(county) -> ImportJob:
    job = validate(county.supervisor, hazard_file([hazard_row(enterprise_name=county.mine.name)]))
    return services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)


def test_a_second_delivery_while_the_import_runs_does_nothing(started):
    ImportJob.objects.filter(pk=started.pk).update(heartbeat_at=timezone.now())  # a worker has it

    assert services.import_run(job_id=started.pk) is None
    assert Hazard.objects.count() == 0


def test_an_import_whose_worker_died_is_taken_over(started):
    ImportJob.objects.filter(pk=started.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))

    job = services.import_run(job_id=started.pk)

    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 1)


def test_a_finished_job_is_not_run_again(started):
    services.import_run(job_id=started.pk)

    assert services.import_run(job_id=started.pk) is None
    assert services.import_validate(job_id=started.pk) is None
    assert Hazard.objects.count() == 1


def test_a_colleague_who_starts_the_import_is_its_actor(county):
    job = validate(county.inspector, hazard_file([hazard_row(enterprise_name=county.mine.name)]))
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)

    services.import_run(job_id=job.pk)

    assert Hazard.objects.get().events.get().actor == county.supervisor


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down():
    """The app publishes to a port nobody listens on (its producer pools rebuilt either way)."""
    from hazardtrack.celery import app

    def rebuild_pools():
        app.amqp._producer_pool = None  # pools are built from broker_url on first use
        app._pool = None

    saved = app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.task_always_eager = f"redis://127.0.0.1:{_closed_port()}/0", False
    app.conf.broker_transport_options = {**saved[2], "max_retries": 1}
    rebuild_pools()
    yield
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    rebuild_pools()


def test_a_broker_that_is_down_fails_the_job_with_a_message(county, client, broker_down):
    client.force_login(county.supervisor)

    response = client.post("/spreadsheets/", {"kind": "hazards", "file": upload(hazard_file([hazard_row()]))})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.FAILED
    assert job.failure == "后台任务服务暂不可用，任务未能开始。请稍后重新上传或重试。"
