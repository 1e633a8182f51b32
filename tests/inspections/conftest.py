from __future__ import annotations

from types import SimpleNamespace

import pytest

from accounts.models import Department
from inspections import services
from inspections.choices import InspectionType
from inspections.models import ChecklistTemplate
from tests import factories
from tests.factories import EnterpriseFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team():
    """新邵县 (430522) 应急管理局: two inspectors and a supervisor; a 工贸 enterprise in 酿溪镇;
    an inspector of 石鼓区 (430407) next door."""
    factories.region("4305", "邵阳市")
    county = factories.region("430522", "新邵县")
    factories.region("430522100", "酿溪镇")
    department = Department.objects.create(region=county, name="应急管理局")
    enterprise = EnterpriseFactory(name="新邵县示范机械制造有限公司", region=factories.region("430522100"),
                                   contact_name="王经理")
    return SimpleNamespace(
        department=department,
        enterprise=enterprise,
        inspector=factories.inspector("430522", full_name="张检查", department=department),
        partner=factories.inspector("430522", full_name="李复查", department=department),
        supervisor=factories.supervisor("430522", full_name="王督办", department=department),
        outsider=factories.inspector("430407", full_name="陈衡检"),
    )


def start(team, *, template_code: str = "fire-safety", template=None, type=InspectionType.ROUTINE,
          enterprise=None, actor=None, inspectors=None):
    return services.inspection_create(
        actor=actor or team.inspector, enterprise=enterprise or team.enterprise, type=type,
        date=factories.days_from_today(0),
        inspectors=inspectors if inspectors is not None else [team.inspector, team.partner],
        template=template or ChecklistTemplate.objects.get(code=template_code),
    )


def item(inspection, *, major: bool | None = None, position: int | None = None):
    items = inspection.template_version.items.order_by("position")
    if position is not None:
        return items.get(position=position)
    return items.filter(is_major_criterion=major).first()


def answer(team, inspection, checklist_item, result="pass", *, actor=None, **kw):
    return services.inspection_record_result(inspection_id=inspection.pk, actor=actor or team.inspector,
                                             item_id=checklist_item.pk, result=result, **kw)
