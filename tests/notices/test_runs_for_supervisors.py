"""County and city supervisors read the nightly runs of their jurisdiction — what escalated
there and under which rule — and can change nothing; administrators keep the full view."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from notices.models import EscalationPolicy, EscalationRun
from tests.factories import EnterpriseFactory, UserFactory, region

from .conftest import day, escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(county):
    """邵阳市 escalates general hazards to level 2 after 5 days; 衡阳 keeps the defaults (7).
    One hazard of 新邵县 and one of 衡阳市石鼓区, both 5 days overdue on the night."""
    EscalationPolicy.objects.create(region=region("4305", "邵阳市"), level2_days_general=5)
    here = county.hazard(title="新邵县的逾期隐患")
    there = county.hazard(title="石鼓区的逾期隐患", enterprise=EnterpriseFactory(region=region("430407100")))
    escalate(day(5))
    run = EscalationRun.objects.get(as_of=day(5))
    return here, there, run


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def test_a_county_supervisor_sees_only_their_countys_escalations_and_the_rule_that_applied(client, county, night):
    here, there, run = night
    response, body = page(client, county.county_supervisor, reverse("notices:runs"))
    assert response.status_code == 200
    assert 'data-testid="mine-level2">1<' in body and 'data-testid="mine-level1">0<' in body
    assert "督办规则设置" not in body  # the administrators' rules page is not offered

    response, body = page(client, county.county_supervisor, reverse("notices:run-detail", args=[run.pk]))
    assert response.status_code == 200
    assert here.code in body and there.code not in body and there.title not in body
    city = EscalationPolicy.objects.get().region.name
    assert f"{city}督办规则：逾期 5 天起" in body and "二级督办" in body


def test_the_other_county_sees_its_own_escalation_under_the_default_rule(client, county, night):
    here, there, run = night
    _response, body = page(client, county.other_county_supervisor, reverse("notices:run-detail", args=[run.pk]))
    assert there.code in body and here.code not in body
    assert "系统默认规则：逾期 1 天起" in body and "一级督办" in body


def test_a_city_supervisor_sees_the_countys_escalations(client, county, night):
    here, there, run = night
    _response, body = page(client, county.city_supervisor, reverse("notices:run-detail", args=[run.pk]))
    assert here.code in body and there.code not in body


def test_supervisors_can_trigger_or_change_nothing(client, county, night):
    _here, _there, run = night
    client.force_login(county.county_supervisor)
    before = list(EscalationRun.objects.values_list("pk", "status", "level2"))
    assert client.post(reverse("notices:runs")).status_code == 405
    assert client.post(reverse("notices:run-detail", args=[run.pk])).status_code == 405
    assert client.get(reverse("notices:policy")).status_code == 403
    assert client.post(reverse("notices:policy"), {"level2_days_general": 1}).status_code == 403
    for url in (reverse("notices:runs"), reverse("notices:run-detail", args=[run.pk])):
        body = client.get(url).content.decode()
        assert 'action="/notices/' not in body and "/admin/" not in body
    assert list(EscalationRun.objects.values_list("pk", "status", "level2")) == before
    assert EscalationPolicy.objects.get().level2_days_general == 5


def test_inspectors_and_enterprise_contacts_may_not_read_the_runs(client, county, night):
    _here, _there, run = night
    for user in (county.inspector, county.contact):
        client.force_login(user)
        assert client.get(reverse("notices:runs")).status_code == 403
        assert client.get(reverse("notices:run-detail", args=[run.pk])).status_code == 403


def test_the_province_administrator_keeps_the_full_view(client, county, night):
    here, there, run = night
    admin = UserFactory(role=Role.ADMIN, region=region("43", "湖南省"), is_staff=True)
    _response, body = page(client, admin, reverse("notices:runs"))
    assert "督办规则设置" in body and "mine-level2" not in body
    _response, body = page(client, admin, reverse("notices:run-detail", args=[run.pk]))
    assert here.code in body and there.code in body


def test_the_run_page_takes_the_same_queries_however_many_escalations(client, county):
    EscalationPolicy.objects.create(region=region("4305", "邵阳市"), level2_days_general=5)
    client.force_login(county.county_supervisor)
    counts = []
    for n, as_of in ((1, day(5)), (12, day(5, deadline=day(30)))):
        for i in range(n):
            county.hazard(deadline=as_of - (day(5) - day(0)), enterprise=EnterpriseFactory(region=region("430522100")))
        escalate(as_of)
        run = EscalationRun.objects.get(as_of=as_of)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notices:run-detail", args=[run.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
