"""What people see of the notices: the bell and inbox, the hazard's notices, and the
administrators' warning when last night's job did not run."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import Role
from notices.choices import RunStatus, RunTrigger
from notices.models import EscalationRun
from notices.selectors import expected_run_date
from tests.factories import UserFactory, region

from .conftest import day, escalate

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_bell_counts_unread_messages_and_reading_one_opens_its_hazard(client, county):
    hazard = county.hazard()
    escalate(day(1))
    page = logged_in(client, county.inspector).get(reverse("home"))
    assert 'data-testid="bell-count">1<' in page.content.decode()

    inbox = client.get(reverse("notices:inbox"))
    assert hazard.code in inbox.content.decode()
    delivery = inbox.context["page"].object_list[0]
    response = client.post(reverse("notices:read", args=[delivery.pk]))
    assert response.status_code == 302 and response.url == reverse("hazards:detail", args=[hazard.pk])
    assert "bell-count" not in client.get(reverse("home")).content.decode()


def test_nobody_can_mark_someone_elses_message(client, county):
    county.hazard()
    escalate(day(1))
    inbox = logged_in(client, county.inspector).get(reverse("notices:inbox"))
    delivery = inbox.context["page"].object_list[0]
    client.force_login(county.contact)
    assert client.post(reverse("notices:read", args=[delivery.pk])).status_code == 404


def test_the_hazard_page_lists_the_notices_sent_for_it(client, county):
    hazard = county.hazard()
    escalate(day(1))
    escalate(day(7))
    body = logged_in(client, county.county_supervisor).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "一级督办" in body and "二级督办" in body


def administrator():
    return UserFactory(role=Role.ADMIN, region=region("43", "湖南省"), is_staff=True)


def test_the_administrators_home_warns_when_last_nights_run_is_missing(client):
    body = logged_in(client, administrator()).get(reverse("home")).content.decode()
    assert 'data-testid="escalation-health"' in body
    assert "没有运行" in body


def test_the_warning_names_a_failed_run_and_goes_once_the_night_succeeds(client):
    as_of = expected_run_date()
    EscalationRun.objects.create(as_of=as_of, status=RunStatus.FAILED, trigger=RunTrigger.BEAT,
                                 error="OperationalError: could not connect to server")
    client = logged_in(client, administrator())
    body = client.get(reverse("home")).content.decode()
    assert "运行失败" in body and "could not connect to server" in body

    escalate(as_of)
    assert 'data-testid="escalation-health"' not in client.get(reverse("home")).content.decode()


def test_inspectors_never_see_the_job_warning_nor_the_run_log(client, county):
    client = logged_in(client, county.inspector)
    assert 'data-testid="escalation-health"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("notices:runs")).status_code == 403
