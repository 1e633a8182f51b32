"""Accepting a tip-off goes through the duplicate gate (issue 19): open hazards of the chosen
enterprise that look the same are shown before a hazard is created; staff link the tip-off to
one (重复举报, recorded in the tip-off's and the hazard's timelines) or go on. The queue flags
tip-offs within 100 m of an open hazard, in the same number of queries for any page size."""
from __future__ import annotations

from decimal import Decimal

import pytest

from hazards import services as hazard_services
from hazards.choices import EventAction
from hazards.models import Hazard
from hazards.reporting import PossibleDuplicates
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import TipOffFactory
from tipoffs import services
from tipoffs.choices import TipOffAction, TipOffStatus

from .test_triage import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_hazard(people):
    return hazard_services.hazard_create(actor=people.inspector, data={
        "title": "车间安全出口被锁", "description": "五金厂车间安全出口上锁", "enterprise": people.enterprise})


def accept_post(client, tipoff, people, **extra):
    return client.post(f"/tipoffs/{tipoff.pk}/do/accept/", {
        "version": tipoff.version, "title": "五金厂车间安全出口被锁", "description": "车间安全出口被锁，通道堆满纸箱",
        "enterprise": people.enterprise.name, "sector": "fire", "level": "general", "category": "unsafe_condition",
        **extra})


def test_accepting_shows_the_near_duplicates_first_and_saves_nothing(client, people, open_hazard):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = accept_post(client, tipoff, people)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="duplicate-candidates"' in body and open_hazard.code in body
    assert "不是同一隐患，继续受理" in body
    assert f'name="duplicate_of" value="{open_hazard.pk}"' in body
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.RECEIVED and tipoff.version == 1
    assert Hazard.objects.count() == 1


def test_linking_the_tipoff_to_the_open_hazard_records_it_in_both_timelines(client, people, open_hazard):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = accept_post(client, tipoff, people, duplicate_of=open_hazard.pk, comment="同一隐患")

    assert response.status_code == 302
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.DUPLICATE and tipoff.hazard_id == open_hazard.pk
    assert Hazard.objects.count() == 1  # no second hazard
    assert list(tipoff.events.values_list("action", flat=True)) == [TipOffAction.SUBMITTED, TipOffAction.DUPLICATE]
    linked = open_hazard.events.get(action=EventAction.DUPLICATE_LINKED)
    assert linked.actor == people.supervisor and linked.changes == {"tipoff": tipoff.pk}
    assert "王举报" not in linked.comment and tipoff.tracking_code not in linked.comment


def test_staff_may_go_on_and_accept_a_new_hazard(client, people, open_hazard):
    tipoff = submit()
    client.force_login(people.supervisor)

    assert accept_post(client, tipoff, people, not_duplicate="1").status_code == 302
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.ACCEPTED and tipoff.hazard_id != open_hazard.pk
    assert Hazard.objects.count() == 2


def test_the_service_refuses_with_candidates_and_a_bad_link_with_a_reason(people, open_hazard):
    tipoff = submit()
    data = {"title": "五金厂车间安全出口被锁", "sector": factories.sector("fire"), "enterprise": people.enterprise}
    with pytest.raises(PossibleDuplicates) as refused:
        services.tipoff_accept(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1, hazard_data=data)
    assert [c.hazard for c in refused.value.candidates] == [open_hazard]

    # A hazard of another enterprise is not linked.
    other = factories.EnterpriseFactory(region=people.enterprise.region)
    with pytest.raises(DomainError) as wrong:
        services.tipoff_accept(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1,
                               hazard_data={**data, "enterprise": other}, duplicate_of=open_hazard.pk)
    assert wrong.value.code == "duplicate_other_enterprise"
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.RECEIVED


def test_a_bad_link_on_the_page_is_a_clear_error(client, people, open_hazard):
    tipoff = submit()
    client.force_login(people.supervisor)
    response = accept_post(client, tipoff, people, duplicate_of="abc")
    assert response.status_code == 400 and "要关联的隐患编号无效。" in response.content.decode()
    Hazard.objects.filter(pk=open_hazard.pk).update(status="signed_off")
    response = accept_post(client, tipoff, people, duplicate_of=open_hazard.pk)
    assert response.status_code == 400 and "不能关联为同一隐患" in response.content.decode()


def test_marking_a_duplicate_by_code_also_writes_the_hazards_timeline(people, open_hazard):
    tipoff = submit()
    services.tipoff_mark_duplicate(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1,
                                   hazard_code=open_hazard.code)
    assert open_hazard.events.filter(action=EventAction.DUPLICATE_LINKED, changes={"tipoff": tipoff.pk}).exists()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_queue_flags_tipoffs_near_an_open_hazard_in_constant_queries(client, people, rows,
                                                                          django_assert_num_queries):
    people.enterprise.latitude, people.enterprise.longitude = Decimal("27.311000"), Decimal("111.459000")
    people.enterprise.save()
    hazard_services.hazard_create(actor=people.inspector, data={"title": "储罐区报警器失效",
                                                                "enterprise": people.enterprise})
    TipOffFactory.create_batch(rows - 1, latitude=Decimal("27.311300"), longitude=Decimal("111.459100"))
    TipOffFactory(description="远处的举报", latitude=Decimal("27.330000"), longitude=Decimal("111.459000"))
    client.force_login(people.inspector)
    client.get("/tipoffs/?page_size=100")  # warm the session

    # As the plain queue (6), and one query for the open hazards near the page's tip-offs.
    with django_assert_num_queries(7):
        response = client.get("/tipoffs/", {"page_size": 100})
    body = response.content.decode()
    assert body.count('data-testid="near-hazards-flag"') == rows - 1
    flagged = {t.description for t in response.context["page"].object_list if t.near_hazards}
    assert "远处的举报" not in flagged and len(flagged) == rows - 1
