"""People and helpers for the incident tests: the 新邵县 (430522) county staff, the 邵阳市 (4305)
city supervisor, the 湖南省 (43) province administrator, and a neighbouring county's inspector."""
from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.choices import Role
from incidents import services
from tests import factories
from tests.factories import EnterpriseFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db):
    for code, name in (("43", "湖南省"), ("4305", "邵阳市"), ("430522", "新邵县"), ("430522100", "酿溪镇")):
        factories.region(code, name)
    enterprise = EnterpriseFactory(name="新邵县示范建材有限公司", region=factories.region("430522100"))
    return SimpleNamespace(
        enterprise=enterprise,
        inspector=factories.inspector("430522", full_name="张检查"),
        supervisor=factories.supervisor("430522", full_name="王督办"),
        city=factories.supervisor("4305", full_name="赵市督"),
        city_inspector=factories.inspector("4305", full_name="钱市检"),
        province=UserFactory(role=Role.ADMIN, region=factories.region("43"), full_name="省应急厅"),
        neighbour=factories.inspector("430523", full_name="邻县检查员"),
        contact=factories.enterprise_contact(enterprise),
    )


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def record(p, *, actor=None, deaths=0, serious_injuries=0, direct_loss=0, occurred_at=None, unit_reported_at=None,
           **data):
    """记录 an incident through the service, like the county does."""
    occurred_at = occurred_at or hours_ago(0.5)
    fields = {"title": "建材公司高处坠落事故", "enterprise": p.enterprise, "type": "fall", "occurred_at": occurred_at,
              "deaths": deaths, "serious_injuries": serious_injuries, "direct_loss": direct_loss, **data}
    return services.incident_create(actor=actor or p.inspector, data=fields, unit_reported_at=unit_reported_at)


def update(p, incident, *, actor=None, **figures):
    current = {f: getattr(incident, f) for f in services.FIGURE_FIELDS}
    return services.incident_update_figures(incident_id=incident.pk, actor=actor or p.inspector,
                                            expected_version=incident.version, figures={**current, **figures})
