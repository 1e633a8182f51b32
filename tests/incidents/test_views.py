"""The incident pages: list (query counts that do not grow with the page), record form, detail
with its actions, late reports, jurisdiction (404), the bell and the inbox."""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from incidents import services
from incidents.models import Incident
from tests.factories import IncidentFactory, photo

from .conftest import hours_ago, record

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("size", [10, 100])
def test_the_list_costs_the_same_queries_for_10_and_100_rows(people, size, django_assert_num_queries):
    for n in range(size):
        IncidentFactory(reported_by=people.inspector, deaths=n % 4, enterprise=people.enterprise if n % 2 else None)
    client = client_for(people.supervisor)
    # session, user (with the region the top bar names: accounts/backends.py), count, totals, the
    # bell (one UNION ALL query), the sector filter's choices, the rows (the session is not saved
    # again within SESSION_RENEW_SECONDS: hazardtrack/session_store.py).
    with django_assert_num_queries(7):
        response = client.get("/incidents/", {"page_size": 100})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size


def test_recording_an_incident_on_the_form_grades_it_and_starts_the_clock(people):
    client = client_for(people.inspector)
    occurred = timezone.localtime(hours_ago(0.5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/incidents/new/", {
        "title": "建材公司高处坠落事故", "occurred_at": occurred, "enterprise": people.enterprise.name, "type": "fall",
        "deaths": "2", "missing": "0", "serious_injuries": "1", "minor_injuries": "0", "direct_loss": "350000",
        "narrative": "工人在屋面作业时坠落", "photos": [photo()],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert incident.grade == "general" and incident.attachments.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "一般事故" in page and "县级 → 市级" in page and "待上报" in page and "上报市级" in page


def test_a_refused_form_keeps_what_was_typed_and_says_why(people):
    client = client_for(people.inspector)
    response = client.post("/incidents/new/", {
        "title": "无单位的事故", "occurred_at": "2020-01-01T10:00", "type": "", "deaths": "-1", "missing": "0",
        "serious_injuries": "0", "minor_injuries": "0", "direct_loss": "0",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert form.data["title"] == "无单位的事故"
    assert set(form.errors) >= {"type", "deaths", "region", "sector"}


def test_updating_figures_after_the_window_shows_the_reason_on_the_form(people):
    incident = record(people, occurred_at=timezone.now() - datetime.timedelta(days=40))
    client = client_for(people.inspector)
    response = client.post(f"/incidents/{incident.pk}/do/update_figures/", {
        "version": incident.version, "deaths": "1", "missing": "0", "serious_injuries": "0", "minor_injuries": "0",
        "direct_loss": "0",
    })
    assert response.status_code == 409
    assert "30日内" in response.content.decode()
    assert response.context["actions"][[a["name"] for a in response.context["actions"]].index("update_figures")]["open"]


def test_reporting_up_from_the_detail_page_notifies_the_city_and_rings_its_bell(people):
    incident = record(people)
    response = client_for(people.inspector).post(f"/incidents/{incident.pk}/do/report_step/", {"note": "电话报告"})
    assert response.status_code == 302
    city = client_for(people.city)
    home = city.get("/").content.decode()
    assert 'data-testid="bell-count">1<' in home
    inbox = city.get("/notices/").content.decode()
    assert incident.code in inbox and "县级上报事故" in inbox
    notice = incident.notices.get(recipient=people.city)
    assert city.post(f"/incidents/notices/{notice.pk}/read/")["Location"] == f"/incidents/{incident.pk}/"
    assert 'data-testid="bell-count"' not in city.get("/").content.decode()


def test_other_counties_and_enterprises_cannot_see_an_incident(people):
    incident = record(people)
    services.incident_add_attachments(incident_id=incident.pk, actor=people.inspector, kind="photo", files=[photo()])
    attachment = incident.attachments.get()
    neighbour = client_for(people.neighbour)
    for url in (f"/incidents/{incident.pk}/", f"/incidents/attachments/{attachment.pk}/",
                f"/api/incidents/{incident.pk}/"):
        assert neighbour.get(url).status_code == 404, url
    assert neighbour.post(f"/incidents/{incident.pk}/do/report_step/").status_code == 404
    assert incident.code not in neighbour.get("/incidents/").content.decode()
    contact = client_for(people.contact)
    assert contact.get(f"/incidents/{incident.pk}/").status_code == 404
    assert contact.get("/incidents/").status_code == 403
    assert client_for(people.city).get(f"/incidents/attachments/{attachment.pk}/").status_code == 200


def test_the_late_reports_page_lists_missed_deadlines(people):
    late = record(people, title="迟报的事故", occurred_at=hours_ago(5), unit_reported_at=hours_ago(3))
    record(people, title="按时的事故")
    page = client_for(people.city).get("/incidents/late/").content.decode()
    assert late.code in page and "尚未报告" in page and "按时的事故" not in page


def test_a_follow_up_hazard_shows_its_incident_and_the_incident_its_hazards(people):
    incident = record(people)
    client = client_for(people.inspector)
    response = client.post(f"/incidents/{incident.pk}/do/followup_hazard/", {
        "title": "临边防护缺失", "level": "general", "category": "unsafe_condition", "before_photos": [photo()]})
    assert response.status_code == 302
    hazard = incident.hazards.get()
    assert hazard.title in client.get(f"/incidents/{incident.pk}/").content.decode()
    assert incident.code in client.get(f"/hazards/{hazard.pk}/").content.decode()


def test_the_incident_pages_speak_english_after_choosing_english(people):
    incident = record(people, deaths=3)
    client = client_for(people.inspector)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/incidents/"}).status_code == 302
    listing = client.get("/incidents/").content.decode()
    for text in ("Work-safety accidents", "Record accident", "Late reports", "Serious accident", "</strong> accidents"):
        assert text in listing, text
    detail = client.get(f"/incidents/{incident.pk}/").content.decode()
    for text in ("Casualties and loss", "3 people", "Report up", "Unit concerned → county"):
        assert text in detail, text
    figures = client.get("/incidents/figures/").content.decode()
    assert "Both accidents and deaths down" in figures or "Not both down" in figures
