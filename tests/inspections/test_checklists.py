"""Checklists: the shipped sector templates and versioning (editing a template never changes
an inspection already carried out with it)."""
from __future__ import annotations

import pytest

from hazardtrack.errors import DomainError
from inspections import services
from inspections.choices import ItemResult
from inspections.models import ChecklistTemplate
from tests import factories

from .conftest import answer, start

pytestmark = pytest.mark.django_db


def test_the_published_major_hazard_standards_ship_as_checklists():
    trade = ChecklistTemplate.objects.get(code="industry-trade-2023")
    mine = ChecklistTemplate.objects.get(code="metal-mine-2022")
    fire = ChecklistTemplate.objects.get(code="fire-safety")
    assert trade.sector_id == "industry_trade" and mine.sector_id == "non_coal_mine" and fire.sector_id is None
    trade_items = trade.versions.get(number=1).items
    # 《工贸企业重大事故隐患判定标准》: the dust-explosion article has ten items, all major.
    dust = trade_items.filter(basis__contains="第十一条")
    assert dust.count() == 10 and not dust.filter(is_major_criterion=False).exists()
    assert trade_items.filter(basis__contains="第三条第（二）项", text__contains="特种作业人员", is_major_criterion=True).exists()
    assert trade_items.filter(is_major_criterion=False).exists()  # the general duties are general
    assert mine.versions.get().items.filter(section="尾矿库", is_major_criterion=True).count() >= 5
    assert fire.versions.get().items.filter(is_major_criterion=False).count() >= 10


def test_the_enterprises_sector_picks_its_checklist_else_the_general_one():
    assert services.default_template_for("industry_trade").code == "industry-trade-2023"
    assert services.default_template_for("gas").code == "fire-safety"


def test_a_new_version_leaves_finished_inspections_with_the_items_they_used(team):
    admin = factories.UserFactory(role="admin", region=None)
    template = factories.checklist([("灭火器在有效期内", False), ("安全出口畅通", False)], code="mini")
    old = start(team, template=template)
    for checklist_item in old.template_version.items.all():
        answer(team, old, checklist_item, ItemResult.PASS)
    services.inspection_finish(inspection_id=old.pk, actor=team.inspector)

    new_version = services.template_publish_version(
        actor=admin, template=template, notes="增加消防控制室检查",
        items=[{"text": "灭火器在有效期内，压力正常"}, {"text": "安全出口畅通"},
               {"text": "消防控制室双人值班", "is_major_criterion": False}],
    )
    assert new_version.number == 2
    old.refresh_from_db()
    assert old.template_version.number == 1
    assert list(old.template_version.items.values_list("text", flat=True)) == ["灭火器在有效期内", "安全出口畅通"]
    assert old.results.count() == 2
    fresh = start(team, template=template)
    assert fresh.template_version == new_version and fresh.template_version.items.count() == 3


def test_only_administrators_publish_checklists(team):
    template = factories.checklist(code="mini2")
    with pytest.raises(DomainError) as error:
        services.template_publish_version(actor=team.supervisor, template=template, items=[{"text": "x"}])
    assert error.value.status == 403
    admin = factories.UserFactory(role="admin", region=None)
    with pytest.raises(DomainError) as error:
        services.template_publish_version(actor=admin, template=template, items=[{"text": " "}])
    assert error.value.code == "item_text_required"
    created = services.template_publish_version(actor=admin, code="gas-use", name="燃气使用检查表",
                                                items=[{"text": "安装可燃气体报警装置", "is_major_criterion": True}])
    assert created.template.name == "燃气使用检查表" and created.items.get().is_major_criterion
