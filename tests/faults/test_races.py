"""Two people act on the same hazard at the same moment, over real HTTP (the live server answers
each request in its own thread and database connection): one wins, the other gets a clear 409
conflict telling them to refresh, and the timeline has exactly one event."""
from __future__ import annotations

import json
import threading

import pytest
import requests
from rest_framework.authtoken.models import Token

from hazards import services
from hazards.choices import EventAction, HazardStatus
from hazards.models import Hazard, HazardEvent
from tests import factories
from tests.factories import days_from_today, photo

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rectification_reported() -> Hazard:
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
    reporter, boss = factories.inspector("430522"), factories.supervisor("430522")
    contact = factories.enterprise_contact(enterprise)
    hazard = services.hazard_create(actor=reporter, data={"title": "储罐区静电接地失效", "enterprise": enterprise})
    hazard = services.hazard_confirm(hazard_id=hazard.pk, actor=boss, expected_version=hazard.version)
    hazard = services.hazard_assign(hazard_id=hazard.pk, actor=boss, expected_version=hazard.version,
                                    responsible_unit=enterprise.name, responsible_person="李四", measures="重做接地",
                                    deadline=days_from_today(10))
    return services.hazard_report_rectification(hazard_id=hazard.pk, actor=contact, expected_version=hazard.version,
                                                report="已重做接地并检测", after_photos=[photo("after.jpg")])


def at_once(live_server, hazard: Hazard, action: str, bodies_by_user: list[tuple]) -> list[requests.Response]:
    """POST the same action by several users, released together by a barrier."""
    start = threading.Barrier(len(bodies_by_user))
    answers: list = [None] * len(bodies_by_user)

    def send(i, user, body):
        token = Token.objects.get_or_create(user=user)[0].key
        start.wait()
        answers[i] = requests.post(f"{live_server.url}/api/hazards/{hazard.pk}/{action}/", data=json.dumps(body),
                                   headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                                   timeout=60)

    threads = [threading.Thread(target=send, args=(i, u, b)) for i, (u, b) in enumerate(bodies_by_user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return answers


def assert_one_wins_the_other_is_told_to_refresh(answers):
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content for a in answers]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["code"] == "stale_version" and "已被他人修改" in loser["detail"] and "请刷新后重试" in loser["detail"]


def test_two_inspectors_verifying_at_once_one_verdict_is_recorded(live_server):
    hazard = rectification_reported()
    passes, fails = factories.inspector("430522"), factories.inspector("430522")

    answers = at_once(live_server, hazard, "verify", [
        (passes, {"version": hazard.version, "passed": True, "comment": "合格"}),
        (fails, {"version": hazard.version, "passed": False, "comment": "接地电阻仍超标"}),
    ])

    assert_one_wins_the_other_is_told_to_refresh(answers)
    verdicts = HazardEvent.objects.filter(hazard=hazard,
                                          action__in=(EventAction.VERIFIED, EventAction.VERIFICATION_FAILED))
    assert verdicts.count() == 1
    winner = next(a for a in answers if a.status_code == 200).json()
    assert Hazard.objects.get(pk=hazard.pk).status == winner["status"]
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version + 1


def test_two_supervisors_signing_off_at_once_one_sign_off_is_recorded(live_server):
    hazard = rectification_reported()
    hazard = services.hazard_verify(hazard_id=hazard.pk, actor=factories.inspector("430522"),
                                    expected_version=hazard.version, passed=True)
    county, city = factories.supervisor("430522"), factories.supervisor("4305")

    answers = at_once(live_server, hazard, "sign-off", [
        (county, {"version": hazard.version, "comment": "县级销号"}),
        (city, {"version": hazard.version, "comment": "市级销号"}),
    ])

    assert_one_wins_the_other_is_told_to_refresh(answers)
    signed = Hazard.objects.get(pk=hazard.pk)
    assert (signed.status, signed.version) == (HazardStatus.SIGNED_OFF, hazard.version + 1)
    (event,) = HazardEvent.objects.filter(hazard=hazard, action=EventAction.SIGNED_OFF)
    assert event.actor_id == signed.signed_off_by_id
