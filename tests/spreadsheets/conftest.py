"""新邵县 (430522) with two towns' enterprises, its staff, and a neighbour county's supervisor;
helpers that take a workbook through the import services the way the tasks do."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Enterprise, User
from spreadsheets import services
from spreadsheets.choices import ImportKind, ImportMode
from spreadsheets.models import ImportJob
from tests.factories import EnterpriseFactory, credit_code, inspector, region, sector, supervisor

from .workbooks import upload


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def eager_tasks():
    """Celery runs tasks inline in the calling process (the page's request) while the test runs."""
    from hazardtrack.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@dataclass
class County:
    mine: Enterprise
    plant: Enterprise
    supervisor: User
    inspector: User
    neighbour_supervisor: User
    neighbour_enterprise: Enterprise


@pytest.fixture
def county(db) -> County:
    region("430522", "新邵县")
    region("430522100", "酿溪镇")
    region("430522101", "严塘镇")
    region("430523", "邵阳县")
    return County(
        mine=EnterpriseFactory(name="新邵县示范矿业有限公司", credit_code=credit_code(1, "430522"),
                               region=region("430522100"), sector=sector("non_coal_mine")),
        plant=EnterpriseFactory(name="新邵县化工厂", credit_code=credit_code(2, "430522"),
                                region=region("430522101"), sector=sector("hazchem")),
        supervisor=supervisor("430522", username="county_supervisor"),
        inspector=inspector("430522", username="county_inspector"),
        neighbour_supervisor=supervisor("430523", username="neighbour_supervisor"),
        neighbour_enterprise=EnterpriseFactory(name="邵阳县某厂", credit_code=credit_code(3, "430523"),
                                               region=region("430523100")),
    )


def validate(actor: User, content: bytes, *, kind: str = ImportKind.HAZARDS, name: str = "台账.xlsx") -> ImportJob:
    job = services.import_job_create(actor=actor, kind=kind, upload=upload(content, name))
    return services.import_validate(job_id=job.pk)


def import_file(actor: User, content: bytes, *, kind: str = ImportKind.HAZARDS,
                mode: str = ImportMode.VALID_ROWS, name: str = "台账.xlsx") -> ImportJob:
    """Upload, validate, choose, import: what the page and the worker do together."""
    job = validate(actor, content, kind=kind, name=name)
    assert job.status == "validated", (job.status, job.failure)
    services.import_start(job_id=job.pk, actor=actor, mode=mode)
    return services.import_run(job_id=job.pk)


def messages(job: ImportJob) -> list[tuple[int, str, str]]:
    return list(job.issues.values_list("row", "column", "message"))
