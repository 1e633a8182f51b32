"""The incident API: the same services and rules as the pages, jurisdiction 404s, versions."""
from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import IncidentFactory

from .conftest import hours_ago, record

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_recording_through_the_api_grades_and_returns_the_clock(people):
    response = api(people.inspector).post("/api/incidents/", {
        "title": "建材公司物体打击事故", "occurred_at": hours_ago(0.5).isoformat(), "enterprise": people.enterprise.pk,
        "type": "object_strike", "deaths": 3, "serious_injuries": 1, "direct_loss": "1200000.00",
    }, format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["grade"] == "larger" and body["code"].startswith("SG-430522-")
    assert [(s["from_level"], s["to_level"], s["met"]) for s in body["report_steps"]] == [
        ("unit", "county", True), ("county", "city", None), ("city", "province", None)]
    assert response["Location"].endswith(f"/api/incidents/{body['id']}/")
    assert "report_step" in body["available_actions"]


def test_updating_figures_needs_the_version_and_regrades(people):
    incident = record(people, deaths=2)
    client = api(people.inspector)
    url = f"/api/incidents/{incident.pk}/update-figures/"
    assert client.post(url, {"deaths": 3}, format="json").status_code == 428
    stale = client.post(url, {"deaths": 3}, format="json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    response = client.post(url, {"deaths": 3, "version": incident.version}, format="json")
    assert response.status_code == 200 and response.json()["grade"] == "larger"
    assert response["ETag"] == f'"{incident.version + 1}"'


def test_a_late_casualty_change_is_a_409_with_the_reason(people):
    incident = record(people, occurred_at=timezone.now() - datetime.timedelta(days=31))
    response = api(people.inspector).post(f"/api/incidents/{incident.pk}/update-figures/",
                                          {"deaths": 1, "version": incident.version}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "casualty_window_closed" and response.json()["field"] == "deaths"


def test_report_step_and_late_reports(people):
    incident = record(people, occurred_at=hours_ago(5), unit_reported_at=hours_ago(4.5))
    response = api(people.inspector).post(f"/api/incidents/{incident.pk}/report-step/", {"note": "补报"}, format="json")
    assert response.status_code == 200
    city_step = response.json()["report_steps"][1]
    assert city_step["met"] is False and city_step["reported_by"]["id"] == people.inspector.pk
    late = api(people.city).get("/api/incidents/late-reports/").json()
    assert [row["incident"]["code"] for row in late["results"]] == [incident.code]
    assert api(people.neighbour).get("/api/incidents/late-reports/").json()["count"] == 0


def test_investigation_actions_through_the_api(people):
    incident = record(people)
    client = api(people.supervisor)
    started = client.post(f"/api/incidents/{incident.pk}/start-investigation/",
                          {"team_leader": "县应急局局长", "team_members": "应急、公安", "version": incident.version},
                          format="json")
    assert started.status_code == 200, started.json()
    body = started.json()
    assert body["status"] == "investigating" and body["investigation"]["lead_authority"] == "county"
    findings = client.post(f"/api/incidents/{incident.pk}/findings/",
                           {"direct_causes": "未系安全带", "version": body["version"]}, format="json")
    assert findings.json()["investigation"]["direct_causes"] == "未系安全带"
    closing = client.post(f"/api/incidents/{incident.pk}/close/", {
        "approval_doc_no": "新政函〔2026〕1号", "approved_on": timezone.localdate().isoformat(),
        "version": findings.json()["version"]}, format="json")
    assert closing.status_code == 409 and closing.json()["code"] == "findings_incomplete"


def test_the_list_is_scoped_and_filtered_like_the_page(people):
    mine = IncidentFactory(deaths=1)
    IncidentFactory(region=people.neighbour.region, deaths=1)
    data = api(people.supervisor).get("/api/incidents/", {"fatal": "1"}).json()
    assert [row["id"] for row in data["results"]] == [mine.pk]
    assert api(people.contact).get("/api/incidents/").json()["count"] == 0


def test_figures_endpoint_gives_the_same_numbers_and_their_list_queries(people):
    IncidentFactory(deaths=2)
    IncidentFactory(deaths=1, occurred_at=timezone.now() - datetime.timedelta(days=366))
    client = api(people.city)
    body = client.get("/api/incidents/figures/", {"region": "4305"}).json()
    deaths = body["total"]["figures"]["deaths"]
    assert deaths["current"] == 2 and body["total"]["double_decline"] is False
    listed = client.get("/api/incidents/?" + body["total"]["figures"]["incidents"]["current_query"]).json()
    assert listed["count"] == body["total"]["figures"]["incidents"]["current"]
    assert api(people.supervisor).get("/api/incidents/figures/", {"region": "430523"}).status_code == 404


def test_schema_covers_incidents_without_warnings(people, tmp_path):
    schema = api(people.inspector).get("/api/schema/", {"format": "json"}).json()
    assert "/api/incidents/{id}/update-figures/" in schema["paths"]
    assert "/api/incidents/figures/" in schema["paths"]
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
