"""Duplicates caught at the gate (issue 19): before a report is saved, open hazards of the same
enterprise with nearly the same title or description are shown; the reporter links the report
as the same hazard (both timelines record it, the statistics count it once) or goes on."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from hazards import duplicates, reporting, services
from hazards.choices import EventAction, HazardStatus
from hazards.models import Hazard
from hazardtrack.errors import DomainError
from supervision import statistics
from tests.factories import EnterpriseFactory, TipOffFactory, inspector, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plant():
    return EnterpriseFactory(name="新邵县资江化工有限公司", region=region("430522100", "酿溪镇"),
                             latitude=Decimal("27.311000"), longitude=Decimal("111.459000"))


@pytest.fixture
def reporter():
    return inspector("430522", full_name="李检查")


def open_hazard(reporter, plant, title="二楼消防通道堵塞", **data) -> Hazard:
    return services.hazard_create(actor=reporter, data={"title": title, "enterprise": plant, **data})


def test_only_open_hazards_of_the_same_enterprise_with_a_similar_text_are_candidates(reporter, plant):
    same = open_hazard(reporter, plant)
    open_hazard(reporter, plant, "配电箱未接地")  # another hazard of the plant
    other_plant = EnterpriseFactory(region=plant.region)
    open_hazard(reporter, other_plant)  # the same title elsewhere
    closed = open_hazard(reporter, plant, "二楼消防通道被堵塞")
    Hazard.objects.filter(pk=closed.pk).update(status=HazardStatus.SIGNED_OFF)
    by_description = open_hazard(reporter, plant, "仓库问题", description="储罐区未设置可燃气体检测报警装置")

    found = duplicates.duplicate_candidates(user=reporter, enterprise=plant, title="二楼消防通道被杂物堵塞")
    assert [c.hazard for c in found] == [same] and 0.5 <= found[0].score < 1
    by_text = duplicates.duplicate_candidates(user=reporter, enterprise=plant, title="储罐区隐患",
                                              description="储罐区可燃气体检测报警装置缺失")
    assert [c.hazard for c in by_text] == [by_description]
    assert duplicates.duplicate_candidates(user=reporter, enterprise=plant, title="灭火器过期") == []
    assert duplicates.duplicate_candidates(user=reporter, enterprise=None, title="二楼消防通道堵塞") == []
    # Another county's inspector is not shown hazards outside his jurisdiction.
    assert duplicates.duplicate_candidates(user=inspector("430523"), enterprise=plant, title="二楼消防通道堵塞") == []


def test_linking_a_near_duplicate_leaves_one_hazard_counted_once(client, reporter, plant):
    original = open_hazard(reporter, plant)
    client.force_login(reporter)
    form = {"enterprise": plant.name, "title": "二楼消防通道被杂物堵塞", "level": "general",
            "category": "unsafe_condition", "source": "inspection"}

    shown = client.post("/hazards/new/", form)
    assert shown.status_code == 200
    assert [c.hazard for c in shown.context["candidates"]] == [original]
    assert original.code in shown.content.decode() and "是同一隐患，关联" in shown.content.decode()
    assert Hazard.objects.count() == 1  # nothing saved before the reporter answers

    linked = client.post("/hazards/new/", {**form, "duplicate_of": original.pk})
    assert linked.status_code == 302 and linked["Location"] == f"/hazards/{original.pk}/"
    repeat = Hazard.objects.exclude(pk=original.pk).get()
    assert repeat.status == HazardStatus.REJECTED and repeat.duplicate_of == original
    assert original.code in repeat.rejection_reason
    assert repeat.events.filter(action=EventAction.DUPLICATE_LINKED, changes={"duplicate_of": original.code}).exists()
    mention = original.events.get(action=EventAction.DUPLICATE_LINKED)
    assert mention.changes == {"duplicate": repeat.code} and mention.to_status == HazardStatus.REPORTED

    # The statistics' one definition of "found" sees one hazard, the original.
    scoped = statistics.hazards_in_scope(Hazard.objects.all(), region_code="430522",
                                         period=statistics.current_period("month"))
    assert list(scoped) == [original] and statistics.totals(scoped).found == 1


def test_the_reporter_may_go_on_and_report_a_new_hazard(client, reporter, plant):
    open_hazard(reporter, plant)
    client.force_login(reporter)
    response = client.post("/hazards/new/", {"enterprise": plant.name, "title": "二楼消防通道被杂物堵塞", "level": "general",
                                             "category": "unsafe_condition", "source": "inspection",
                                             "not_duplicate": "1"})
    assert response.status_code == 302
    assert Hazard.objects.filter(status=HazardStatus.REPORTED).count() == 2


def test_a_bad_link_is_refused_with_a_reason(client, reporter, plant):
    original = open_hazard(reporter, plant)
    elsewhere = open_hazard(reporter, EnterpriseFactory(region=plant.region))
    data = {"title": "二楼消防通道被杂物堵塞", "enterprise": plant}
    with pytest.raises(DomainError) as error:
        reporting.hazard_report(actor=reporter, data=data, duplicate_of=elsewhere.pk)
    assert error.value.code == "duplicate_other_enterprise"
    Hazard.objects.filter(pk=original.pk).update(status=HazardStatus.SIGNED_OFF)
    with pytest.raises(DomainError) as error:
        reporting.hazard_report(actor=reporter, data=data, duplicate_of=original.pk)
    assert error.value.code == "duplicate_closed" and "已销号" in str(error.value)
    assert Hazard.objects.count() == 2

    client.force_login(reporter)
    page = client.post("/hazards/new/", {"enterprise": plant.name, "title": "x", "level": "general",
                                         "category": "unsafe_condition", "source": "inspection", "duplicate_of": "abc"})
    assert page.status_code == 400 and "要关联的隐患编号无效" in page.content.decode()


def test_the_api_answers_409_with_the_candidates_then_links_or_goes_on(reporter, plant):
    original = open_hazard(reporter, plant)
    api = APIClient()
    api.force_authenticate(reporter)
    body = {"title": "二楼消防通道被杂物堵塞", "enterprise": plant.pk}

    refused = api.post("/api/hazards/", body, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "possible_duplicates"
    assert [(c["id"], c["code"]) for c in refused.data["candidates"]] == [(original.pk, original.code)]
    assert refused.data["candidates"][0]["similarity"] >= 0.5

    linked = api.post("/api/hazards/", {**body, "duplicate_of": original.pk}, format="json")
    assert linked.status_code == 201, linked.data
    assert linked.data["status"] == HazardStatus.REJECTED and linked.data["duplicate_of"] == original.pk

    new = api.post("/api/hazards/", {**body, "not_duplicate": True}, format="json")
    assert new.status_code == 201 and new.data["status"] == HazardStatus.REPORTED
    closed = api.post("/api/hazards/", {**body, "duplicate_of": 999999}, format="json")
    assert closed.status_code == 404


def test_a_tipoff_within_100_metres_of_an_open_hazard_is_flagged_in_triage(client, reporter, plant):
    by_enterprise = open_hazard(reporter, plant, "储罐区可燃气体报警器失效")  # no coordinates: the plant's
    own_place = open_hazard(reporter, EnterpriseFactory(region=plant.region), "车间安全出口被锁",
                            latitude=Decimal("27.311500"), longitude=Decimal("111.459000"))
    open_hazard(reporter, EnterpriseFactory(region=plant.region), "远处的隐患",
                latitude=Decimal("27.320000"), longitude=Decimal("111.459000"))  # about 1 km away
    near = TipOffFactory(description="资江化工储罐区报警器坏了", latitude=Decimal("27.311300"),
                         longitude=Decimal("111.459100"))
    far = TipOffFactory(description="某处有隐患", latitude=Decimal("27.330000"), longitude=Decimal("111.459000"))

    client.force_login(inspector("430522"))
    page = client.get(f"/tipoffs/{near.pk}/")
    assert page.status_code == 200
    flagged = page.context["near_hazards"]
    assert [c.hazard for c in flagged] == [own_place, by_enterprise]  # nearest first: about 24 m, 35 m
    assert all(c.metres <= 100 for c in flagged) and "疑似已登记" in page.content.decode()
    assert client.get(f"/tipoffs/{far.pk}/").context["near_hazards"] == []
