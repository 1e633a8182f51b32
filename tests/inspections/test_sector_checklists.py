"""The sectors' own major-hazard checklists (issue 19): a hazchem enterprise is inspected with
the hazchem criteria, a failed criterion is a major hazard citing its article, and a revised
standard is a new version that leaves old inspections alone."""
from __future__ import annotations

import datetime

import pytest

from hazards.choices import HazardLevel
from inspections import services
from inspections.choices import ItemResult
from inspections.models import ChecklistTemplate
from tests import factories
from tests.factories import EnterpriseFactory

from .conftest import answer

pytestmark = pytest.mark.django_db


def test_each_sector_standard_ships_with_its_document_and_cited_clauses():
    hazchem = ChecklistTemplate.objects.get(code="hazchem-2017")
    fireworks = ChecklistTemplate.objects.get(code="fireworks-2017")
    coal = ChecklistTemplate.objects.get(code="coal-mine-2020")
    assert (hazchem.sector_id, fireworks.sector_id, coal.sector_id) == ("hazchem", "fireworks", "coal_mine")
    version = hazchem.versions.get(number=1)
    assert version.document_number == "安监总管三〔2017〕121号" and "化工和危险化学品" in version.standard
    major = version.items.filter(is_major_criterion=True)
    # The hazchem standard has twenty articles, one item each, in order.
    assert major.count() == 20
    assert [i.basis.rsplit("》", 1)[1] for i in major.order_by("position")][:3] == ["第一条", "第二条", "第三条"]
    assert major.filter(basis__endswith="第十八条", text__contains="动火、进入受限空间").exists()
    assert version.items.filter(is_major_criterion=False).exists()  # the general duties stay
    assert coal.versions.get().items.filter(is_major_criterion=True, basis__contains="第三条第（二）项").get().text \
        == "未瓦斯超限作业"
    assert coal.versions.get().effective_date == datetime.date(2021, 1, 1)
    # The fireworks standard has twenty articles too, the last (retail points) included.
    fw_major = fireworks.versions.get().items.filter(is_major_criterion=True).order_by("position")
    assert [i.basis.rsplit("》", 1)[1] for i in fw_major][-3:] == ["第十八条", "第十九条", "第二十条"]
    assert fw_major.count() == 20
    assert fw_major.get(basis__endswith="第八条").text == "未擅自改变工（库）房用途，未违规私搭乱建"
    assert "同一工房内粉碎、称量" in fw_major.get(basis__endswith="第十条").text
    assert "伪造许可证" in fw_major.get(basis__endswith="第十四条").text
    trade = ChecklistTemplate.objects.get(code="industry-trade-2023").versions.get(number=1)
    assert trade.document_number == "应急管理部令第10号" and trade.effective_date == datetime.date(2023, 5, 15)


def test_a_hazchem_inspection_proposes_the_hazchem_checklist_and_a_failed_criterion_is_major(team):
    plant = EnterpriseFactory(name="新邵县资江化工有限公司", region=team.enterprise.region,
                              sector=factories.sector("hazchem"))
    assert services.default_template_for("hazchem").code == "hazchem-2017"
    assert list(services.proposed_templates("hazchem").values_list("code", flat=True))[:2] == \
        ["hazchem-2017", "fire-safety"]
    inspection = services.inspection_create(actor=team.inspector, enterprise=plant, type="routine",
                                            date=factories.days_from_today(0), inspectors=[team.inspector, team.partner])
    assert inspection.template_version.template.code == "hazchem-2017"
    criterion = inspection.template_version.items.get(basis__endswith="第十二条")
    row = answer(team, inspection, criterion, ItemResult.FAIL, note="储罐区未设置可燃气体检测报警装置")
    assert row.hazard.level == HazardLevel.MAJOR
    assert "第十二条" in row.hazard.description and "化工和危险化学品" in row.hazard.description


def test_the_new_inspection_page_proposes_the_sectors_checklist_first(client, team):
    plant = EnterpriseFactory(name="新邵县资江化工有限公司", region=team.enterprise.region,
                              sector=factories.sector("hazchem"))
    client.force_login(team.inspector)
    page = client.get(f"/inspections/new/?enterprise={plant.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["template"].initial.code == "hazchem-2017"
    assert [t.code for t in form.fields["template"].queryset][0] == "hazchem-2017"
    assert "新邵县资江化工有限公司" in form["enterprise"].initial
    assert client.get("/inspections/new/?enterprise=abc").status_code == 200  # no proposal, no error


def test_a_revised_standard_is_a_new_version_and_old_inspections_keep_theirs(team):
    admin = factories.UserFactory(role="admin", region=None)
    plant = EnterpriseFactory(region=team.enterprise.region, sector=factories.sector("hazchem"))
    template = ChecklistTemplate.objects.get(code="hazchem-2017")
    old = services.inspection_create(actor=team.inspector, enterprise=plant, type="routine",
                                     date=factories.days_from_today(0), inspectors=[team.inspector, team.partner])
    old_items = list(old.template_version.items.values_list("pk", "text"))
    revised = services.template_publish_version(
        actor=admin, template=template, notes="按修订后的判定标准", standard="《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》",
        document_number="应急管理部令第X号", effective_date=datetime.date(2030, 1, 1),
        items=[{"text": "修订后的检查项", "is_major_criterion": True, "basis": "第一条"}],
    )
    old.refresh_from_db()
    assert old.template_version.number == 1 and list(old.template_version.items.values_list("pk", "text")) == old_items
    assert revised.number == 2 and revised.document_number == "应急管理部令第X号"
    fresh = services.inspection_create(actor=team.inspector, enterprise=plant, type="routine",
                                       date=factories.days_from_today(0), inspectors=[team.inspector, team.partner])
    assert fresh.template_version == revised
