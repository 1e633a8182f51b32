"""A failed checklist item whose hazard the enterprise already has open (issue 19): the item's
card shows the similar open hazards before saving; the inspector links the finding to one
(a duplicate pointing at it, in both timelines, counted once) or records another hazard.
Nothing is silently created twice."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hazards.choices import EventAction, HazardStatus
from hazards.models import Hazard
from inspections.choices import ItemResult

from .conftest import answer, item, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(team):
    """Last inspection failed the first general item; its hazard is still open."""
    first = start(team)
    row = answer(team, first, item(first, major=False), ItemResult.FAIL, note="安全出口上锁")
    return row.hazard


def post(client, inspection, checklist_item, **data):
    return client.post(f"/inspections/{inspection.pk}/items/{checklist_item.pk}/",
                       {"result": "fail", "note": "安全出口仍然上锁", "expected": "", **data})


def test_the_card_shows_the_open_hazard_and_saving_waits_for_the_answer(client, team, earlier):
    again = start(team)
    criterion = item(again, major=False)
    client.force_login(team.inspector)

    page = client.get(f"/inspections/{again.pk}/").content.decode()
    assert 'data-testid="duplicate-candidates"' in page and earlier.code in page

    refused = post(client, again, criterion)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "请先选择是否为同一隐患" in body and f'name="same_as" value="{earlier.pk}"' in body
    assert not again.results.exists() and Hazard.objects.count() == 1


def test_linking_the_finding_records_a_duplicate_counted_once(client, team, earlier):
    again = start(team)
    client.force_login(team.inspector)

    assert post(client, again, item(again, major=False), same_as=earlier.pk).status_code == 302

    row = again.results.get()
    assert row.result == ItemResult.FAIL and row.hazard.duplicate_of_id == earlier.pk
    assert row.hazard.status == HazardStatus.REJECTED  # out of the statistics: counted once
    assert earlier.events.filter(action=EventAction.DUPLICATE_LINKED).count() == 1
    assert row.hazard.events.filter(action=EventAction.DUPLICATE_LINKED).count() == 1
    earlier.refresh_from_db()
    assert earlier.status == HazardStatus.REPORTED


def test_the_inspector_may_record_another_hazard(client, team, earlier):
    again = start(team)
    client.force_login(team.inspector)

    assert post(client, again, item(again, major=False), same_as="new").status_code == 302
    row = again.results.get()
    assert row.hazard.status == HazardStatus.REPORTED and row.hazard.duplicate_of_id is None
    assert Hazard.objects.filter(status=HazardStatus.REPORTED).count() == 2


def test_bad_answers_are_refused_with_a_reason(client, team, earlier):
    again = start(team)
    criterion = item(again, major=False)
    client.force_login(team.inspector)

    bad = post(client, again, criterion, same_as="abc")
    assert bad.status_code == 400 and "所选的同一隐患无效" in bad.content.decode()
    on_spot = post(client, again, criterion, same_as=earlier.pk, rectified_on_spot="on")
    assert on_spot.status_code == 400 and "不能立行立改" in on_spot.content.decode()
    assert not again.results.exists()


def test_the_checklist_page_costs_the_same_queries_with_or_without_similar_hazards(client, team):
    quiet = start(team)
    client.force_login(team.inspector)
    client.get(f"/inspections/{quiet.pk}/")
    with CaptureQueriesContext(connection) as without:
        client.get(f"/inspections/{quiet.pk}/")
    first = start(team)
    for checklist_item in first.template_version.items.filter(is_major_criterion=False)[:4]:
        answer(team, first, checklist_item, ItemResult.FAIL, note="不符合", not_duplicate=True)
    with CaptureQueriesContext(connection) as with_similar:
        page = client.get(f"/inspections/{quiet.pk}/").content.decode()
    assert page.count('data-testid="duplicate-candidates"') >= 4
    assert len(with_similar) == len(without), [q["sql"][:80] for q in with_similar.captured_queries]
    # Not one query per item: the checklist has more items than the page makes queries.
    items = quiet.template_version.items.count()
    similar_queries = [q for q in with_similar.captured_queries
                       if q["sql"].split(" WHERE ")[0].endswith('FROM "hazards_hazard"')]
    assert len(similar_queries) == 1 < items, (len(similar_queries), items)


def test_the_api_answers_409_with_the_candidates_then_links(team, earlier):
    again = start(team)
    client = APIClient()
    client.force_authenticate(team.inspector)
    body = {"item": item(again, major=False).pk, "result": "fail", "note": "安全出口仍然上锁"}

    refused = client.post(f"/api/inspections/{again.pk}/results/", body, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "possible_duplicates"
    assert [c["id"] for c in refused.data["candidates"]] == [earlier.pk]
    linked = client.post(f"/api/inspections/{again.pk}/results/", {**body, "duplicate_of": earlier.pk}, format="json")
    assert linked.status_code == 200
    assert Hazard.objects.get(pk=linked.data["hazard"]["id"]).duplicate_of_id == earlier.pk
