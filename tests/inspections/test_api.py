"""The inspection API: an inspector starts and fills in an inspection, a supervisor runs a
random plan, everyone outside the county sees nothing; the OpenAPI schema stays clean."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from hazards.choices import HazardLevel
from hazards.models import Hazard
from inspections.choices import ItemResult
from inspections.models import ChecklistTemplate, Inspection
from tests import factories
from tests.factories import EnterpriseFactory, photo

from .conftest import answer, item, start

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_inspector_runs_an_inspection_through_the_api(team):
    template = ChecklistTemplate.objects.get(code="industry-trade-2023")
    response = api(team.inspector).post("/api/inspections/", {
        "enterprise": team.enterprise.pk, "type": "unannounced", "date": factories.days_from_today(0).isoformat(),
        "inspectors": [team.inspector.pk, team.partner.pk], "template": template.pk,
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "in_progress" and body["checklist"]["number"] == 1
    major = next(i for i in body["checklist"]["items"] if i["is_major_criterion"])

    response = api(team.partner).post(f"/api/inspections/{body['id']}/results/", {
        "item": major["id"], "result": "fail", "note": "有限空间作业无人监护", "photos": [photo()],
    }, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["hazard"]["level"] == "major"
    assert Hazard.objects.get(code=response.json()["hazard"]["code"]).level == HazardLevel.MAJOR

    response = api(team.inspector).post(f"/api/inspections/{body['id']}/finish/", {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "items_unanswered"
    detail = api(team.inspector).get(f"/api/inspections/{body['id']}/").json()
    assert detail["answered"] == 1 and detail["failed"] == 1 and detail["results"][0]["item"] == major["id"]


def test_refusals_come_back_with_a_code_and_a_field(team):
    response = api(team.inspector).post("/api/inspections/", {
        "enterprise": team.enterprise.pk, "type": "routine", "date": factories.days_from_today(0).isoformat(),
        "inspectors": [team.inspector.pk],
    }, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "two_officers_required", "detail": response.json()["detail"],
                               "field": "inspectors"}


def test_documents_through_the_api(team):
    inspection = start(team)
    for checklist_item in inspection.template_version.items.all():
        note = "配电箱无漏电保护" if checklist_item.position == 11 else ""
        answer(team, inspection, checklist_item, ItemResult.FAIL if note else ItemResult.PASS, note=note)
    api(team.inspector).post(f"/api/inspections/{inspection.pk}/finish/", {"conclusion": "限期整改"}, format="json")
    response = api(team.inspector).post(f"/api/inspections/{inspection.pk}/documents/",
                                        {"kind": "order", "deadline": factories.days_from_today(7).isoformat()},
                                        format="json")
    assert response.status_code == 201, response.json()
    document = response.json()
    assert "责改" in document["doc_no"] and document["content"]["hazards"][0]["code"].startswith("YH-430522-")
    listed = api(team.inspector).get(f"/api/inspections/{inspection.pk}/documents/").json()
    assert [d["doc_no"] for d in listed] == [document["doc_no"]]


def test_inspections_outside_the_jurisdiction_are_not_there(team):
    inspection = start(team)
    client = api(team.outsider)
    assert client.get(f"/api/inspections/{inspection.pk}/").status_code == 404
    assert client.get("/api/inspections/").json()["count"] == 0
    first = item(inspection, position=1)
    response = client.post(f"/api/inspections/{inspection.pk}/results/", {"item": first.pk, "result": "pass"},
                           format="json")
    assert response.status_code == 404
    contact = factories.enterprise_contact(team.enterprise)
    assert api(contact).get("/api/inspections/").json()["count"] == 1
    other = EnterpriseFactory(region=factories.region("430522100"))
    start(team, enterprise=other)
    assert api(team.inspector).get("/api/inspections/", {"enterprise": other.pk}).json()["count"] == 1


def test_a_supervisor_draws_and_publishes_a_plan_through_the_api(team):
    for colour in ("red", "orange", "blue"):
        EnterpriseFactory(region=factories.region("430522100"), risk_colour=colour)
    factories.inspector("430522")
    client = api(team.supervisor)
    response = client.post("/api/inspection-plans/", {
        "name": "双随机抽查", "region": "430522", "size": 3, "risk_colours": ["red", "orange", "yellow"],
        "start_date": factories.days_from_today(1).isoformat(), "end_date": factories.days_from_today(20).isoformat(),
    }, format="json")
    assert response.status_code == 201, response.json()
    plan = response.json()
    response = client.post(f"/api/inspection-plans/{plan['id']}/draw/", {"seed": "api-seed"}, format="json")
    assert response.status_code == 200, response.json()
    drawn = response.json()
    assert drawn["status"] == "drawn" and drawn["seed"] == "api-seed" and len(drawn["draws"]) == 3
    assert all(len(d["inspectors"]) >= 2 for d in drawn["draws"])
    assert client.get(f"/api/inspection-plans/{plan['id']}/verify/").json()["matches"] is True
    assert client.post(f"/api/inspection-plans/{plan['id']}/publish/").json()["status"] == "published"
    assert api(team.outsider).get(f"/api/inspection-plans/{plan['id']}/").status_code == 404
    assert Inspection.objects.filter(plan_id=plan["id"]).count() == 3


def test_checklists_and_their_versions_through_the_api(team):
    admin = factories.UserFactory(role="admin", region=None)
    templates = api(team.inspector).get("/api/checklist-templates/").json()
    assert {"industry-trade-2023", "metal-mine-2022", "fire-safety"} <= {t["code"] for t in templates["results"]}
    fire = ChecklistTemplate.objects.get(code="fire-safety")
    response = api(team.inspector).post(f"/api/checklist-templates/{fire.pk}/versions/", {"items": [{"text": "x"}]},
                                        format="json")
    assert response.status_code == 403
    response = api(admin).post(f"/api/checklist-templates/{fire.pk}/versions/",
                               {"notes": "修订", "items": [{"text": "疏散通道畅通", "is_major_criterion": False}]},
                               format="json")
    assert response.status_code == 201 and response.json()["number"] == 2
    version = api(team.inspector).get(f"/api/checklist-versions/{response.json()['id']}/").json()
    assert [i["text"] for i in version["items"]] == ["疏散通道畅通"]


def test_the_schema_documents_the_inspection_api_without_warnings(team, tmp_path):
    paths = api(team.inspector).get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("/api/inspections/{id}/results/", "/api/inspections/{id}/documents/",
                 "/api/inspection-plans/{id}/draw/", "/api/checklist-templates/{id}/versions/"):
        assert path in paths
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
