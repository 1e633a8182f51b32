"""The ledger and a hazard's page cost a fixed number of SQL queries, however many rows they
show: a page of 100 hazards (or a timeline of 100 events) issues exactly as many queries as
one of 10. At a million hazards an N+1 is a page that never loads, so these pin it."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.choices import EventAction, HazardStatus
from hazards.models import Attachment, ExtensionRequest, Hazard, HazardEvent
from tests.factories import (
    PASSWORD,
    EnterpriseFactory,
    HazardFactory,
    days_from_today,
    enterprise_contact,
    inspector,
    supervisor,
)

pytestmark = pytest.mark.django_db

LEDGER_FILTERS = {"region": "430522", "status": ["assigned", "rectifying"], "ordering": "deadline"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_supervisor():
    return supervisor("430522", username="county_sup", password=PASSWORD)


def running_hazards(n: int, **kw) -> list[Hazard]:
    """n assigned/rectifying hazards with deadlines, each of its own enterprise (so a missing
    select_related would show as one query per row)."""
    return [
        HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(i % 9 - 3),
                      current_deadline=days_from_today(i % 9 - 3), enterprise=EnterpriseFactory(), **kw)
        for i in range(n)
    ]


def queries_of(client, path: str, params: dict | None = None, *, rows: int | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    if rows is not None:
        body = response.json()["results"] if path.startswith("/api/") else None
        if body is not None:
            assert len(body) == rows
    return len(captured)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the ledger ----------------------------------------------------------------------------

def test_ledger_api_costs_the_same_queries_for_10_and_100_rows(county_supervisor):
    client = api_client(county_supervisor)
    running_hazards(10)
    small = queries_of(client, "/api/hazards/", {**LEDGER_FILTERS, "page_size": 10}, rows=10)
    running_hazards(90)
    large = queries_of(client, "/api/hazards/", {**LEDGER_FILTERS, "page_size": 100}, rows=100)
    assert large == small
    # Session-less (forced) authentication: one COUNT and one page of rows, nothing per row.
    assert large == 2


def test_ledger_api_with_a_session_costs_its_four_statements_for_10_and_100_rows(county_supervisor):
    """As a browser or the throughput benchmark calls it: the session, the user, the count (a
    county's running hazards: counted live), the page's rows (ids first, then joined)."""
    client = logged_in(county_supervisor)

    def statements(page_size: int) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/hazards/", {**LEDGER_FILTERS, "page_size": page_size})
        assert response.status_code == 200 and len(response.json()["results"]) == page_size
        return [q["sql"] for q in captured.captured_queries]

    running_hazards(10)
    small = statements(10)
    running_hazards(90)
    large = statements(100)
    assert len(large) == len(small) == 4
    for sql in (small, large):
        assert '"django_session"' in sql[0] and '"accounts_user"' in sql[1]
        assert sql[2].startswith("SELECT COUNT(*)") and '"hazards_hazard"' in sql[2]
        assert '"accounts_enterprise"' in sql[3] and "supervision_hazardrollup" not in " ".join(sql)


# A page of 100 rows costs what a page of 20 costs, whichever column sorts it and whether the
# region is given by name or code (the pickers, sort links and page links included).
@pytest.mark.parametrize("params", [
    LEDGER_FILTERS,
    {"region": "新邵县", "ordering": "-overdue_days"},
    {"region": "430522", "ordering": "enterprise", "level": "general", "enterprise_name": "有限"},
    {"ordering": "sector", "found_after": "2020-01-01", "deadline_before": "2099-12-31"},
    {"ordering": "-region", "overdue": "0", "page": "2"},
])
def test_ledger_page_costs_the_same_queries_for_20_and_100_rows(county_supervisor, params):
    from accounts.models import Region

    Region.objects.filter(code="430522").update(name="新邵县")
    client = logged_in(county_supervisor)
    running_hazards(45)
    small = queries_of(client, "/hazards/", {**params, "page_size": 20})
    running_hazards(160)
    large = queries_of(client, "/hazards/", {**params, "page_size": 100})
    assert large == small


def test_the_ledger_page_asks_eight_statements_whatever_its_size(county_supervisor):
    """The bench case (bench/cases/ledger.py ledger_page): session, user (with the region and
    enterprise the top bar names: accounts.backends), count, page, deadline clocks, region picker,
    sectors, bell — issue #18."""
    client = logged_in(county_supervisor)
    running_hazards(120)
    queries_of(client, "/hazards/", LEDGER_FILTERS)  # the session's first renewal is not the page's cost
    for size in (20, 100):
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/hazards/", {**LEDGER_FILTERS, "page_size": size}).content.decode()
        assert page.count('<tr class="status-') == size
        assert page.count('data-testid="deadline-clock"') == size  # every row's clock, none asked per row
        assert len(captured) == 8, "\n".join(q["sql"] for q in captured.captured_queries)
        assert "accounts_region" in captured.captured_queries[1]["sql"]  # the user's own statement


def test_ledger_search_costs_the_same_queries_for_10_and_100_matches(county_supervisor):
    client = api_client(county_supervisor)
    running_hazards(10, description="配电箱未可靠接地")
    small = queries_of(client, "/api/hazards/", {"q": "接地", "page_size": 10}, rows=10)
    running_hazards(90, description="配电箱未可靠接地")
    large = queries_of(client, "/api/hazards/", {"q": "接地", "page_size": 100}, rows=100)
    assert large == small == 2


# --- a hazard and its timeline -------------------------------------------------------------

def hazard_with_history(events: int, reporter, contact) -> Hazard:
    """A rectifying hazard with `events` timeline lines by different people, each with an
    attachment, and as many extension requests decided."""
    hazard = running_hazards(1)[0]
    start = timezone.now() - datetime.timedelta(days=events)
    actors = [inspector("430522", username=f"actor{hazard.pk}_{i}") for i in range(min(events, 12))]
    created = HazardEvent.objects.bulk_create(
        HazardEvent(hazard=hazard, action=EventAction.ATTACHMENT_ADDED, actor=actors[i % len(actors)],
                    at=start + datetime.timedelta(hours=i), from_status=hazard.status, to_status=hazard.status,
                    comment=f"第{i}次补充材料")
        for i in range(events)
    )
    Attachment.objects.bulk_create(
        Attachment(hazard=hazard, event=event, kind="document", file=f"scale/doc{event.pk}.pdf",
                   original_name=f"材料{event.pk}.pdf", content_type="application/pdf", size=1000, uploaded_by=reporter)
        for event in created
    )
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(hazard=hazard, requested_by=contact, reason="设备采购周期长", status="refused",
                         previous_deadline=days_from_today(1), requested_deadline=days_from_today(30),
                         decided_by=reporter, decided_at=timezone.now())
        for _ in range(events // 10)
    )
    return hazard


def test_detail_page_costs_the_same_queries_for_10_and_100_timeline_events(county_supervisor):
    contact = enterprise_contact(EnterpriseFactory())
    client = logged_in(county_supervisor)
    small = queries_of(client, f"/hazards/{hazard_with_history(10, county_supervisor, contact).pk}/")
    large = queries_of(client, f"/hazards/{hazard_with_history(100, county_supervisor, contact).pk}/")
    assert large == small


def test_detail_api_costs_the_same_queries_for_10_and_100_timeline_events(county_supervisor):
    contact = enterprise_contact(EnterpriseFactory())
    client = api_client(county_supervisor)
    small_hazard = hazard_with_history(10, county_supervisor, contact)
    large_hazard = hazard_with_history(100, county_supervisor, contact)
    small = queries_of(client, f"/api/hazards/{small_hazard.pk}/")
    large = queries_of(client, f"/api/hazards/{large_hazard.pk}/")
    assert large == small
    assert len(client.get(f"/api/hazards/{large_hazard.pk}/").json()["events"]) == 100


def with_pending_extension(hazard: Hazard, contact) -> Hazard:
    ExtensionRequest.objects.create(hazard=hazard, requested_by=contact, reason="施工队伍未进场",
                                    previous_deadline=hazard.current_deadline, requested_deadline=days_from_today(40))
    return hazard


def detail_statements(client, hazard: Hazard) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/hazards/{hazard.pk}/")
    assert response.status_code == 200
    body = response.json()
    # The offered actions were decided on the prefetched rows: a supervisor decides the pending
    # extension, and nobody may ask for a second one.
    assert "decide_extension" in body["available_transitions"]
    assert "request_extension" not in body["available_transitions"]
    return [query["sql"] for query in captured]


def test_detail_api_statements_for_a_hazard_with_timeline_attachments_and_an_extension_request(county_supervisor):
    """Exactly seven statements, the same for a timeline of 10 events as of 60: the hazard with its
    joins, its events, its attachments (once: the events' are among them), its extension requests,
    the people it names (its events' actors among them: one statement, not a join per event), its
    resume applications, its deadline clock. Neither the pending-extension guards nor the
    attachments are asked again."""
    contact = enterprise_contact(EnterpriseFactory())
    client = api_client(county_supervisor)
    small = with_pending_extension(hazard_with_history(10, county_supervisor, contact), contact)
    large = with_pending_extension(hazard_with_history(60, county_supervisor, contact), contact)
    statements = detail_statements(client, small)
    assert len(statements) == 7, "\n".join(statements)
    assert len(detail_statements(client, large)) == 7
    assert sum('FROM "accounts_user"' in sql for sql in statements) == 1
    assert sum('FROM "hazards_attachment"' in sql for sql in statements) == 1
    assert sum('FROM "hazards_extensionrequest"' in sql for sql in statements) == 1
    body = client.get(f"/api/hazards/{large.pk}/").json()
    assert len(body["events"]) == 60 and len(body["attachments"]) == 60
    assert all(len(event["attachments"]) == 1 for event in body["events"])


def test_detail_api_statements_for_a_major_hazard_awaiting_sign_off_and_resume_review(county_supervisor):
    """A major hazard, verified, production suspended, a resume application pending: the resume
    and sign-off guards read the prefetched applications and after-photos — still six
    statements, the people named on the hazard in one of them, with a real session two more
    (the session and its user)."""
    from hazards.models import ResumeApplication

    contact = enterprise_contact(EnterpriseFactory())
    hazard = hazard_with_history(12, county_supervisor, contact)
    Hazard.objects.filter(pk=hazard.pk).update(
        level="major", status=HazardStatus.VERIFIED, production_suspended=True, assessment_report="评估合格",
        verified_by=county_supervisor, rectification_reported_by=contact, found_by=county_supervisor)
    Attachment.objects.filter(hazard=hazard).update(kind="after")
    ResumeApplication.objects.create(hazard=hazard, submitted_by=contact, content="申请复产",
                                     review_due=days_from_today(10))
    with CaptureQueriesContext(connection) as captured:
        body = api_client(county_supervisor).get(f"/api/hazards/{hazard.pk}/").json()
    assert body["available_transitions"] == ["review_resume"]  # sign-off waits for the review
    assert [a["status"] for a in body["resume_applications"]] == ["pending"]
    assert len(captured) == 6, "\n".join(q["sql"] for q in captured)
    assert queries_of(logged_in(county_supervisor), f"/api/hazards/{hazard.pk}/") == 8
