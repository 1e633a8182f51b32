"""The next level is told on every notice channel: in-app at once, email and the office's group
robot by the delivery task (retried when they fail, like the hazard notices)."""
from __future__ import annotations

import pytest

from hazardtrack.outbox import Channel, DeliveryStatus
from notices.models import WebhookEndpoint
from incidents import delivery, services
from incidents.models import IncidentNotice
from tests import factories
from tests.notices.conftest import robot  # noqa: F401  (the group-robot HTTP server fixture)

from .conftest import record

pytestmark = pytest.mark.django_db


def test_reporting_up_emails_the_city_staff_and_posts_to_the_city_robot(people, robot, mailoutbox):  # noqa: F811
    people.city.email = "city@example.gov.cn"
    people.city.save()
    WebhookEndpoint.objects.create(region=factories.region("4305"), name="邵阳市应急值班群", url=robot.url)
    WebhookEndpoint.objects.create(region=factories.region("430523"), name="邻县群", url=robot.url)
    incident = record(people)
    services.incident_report_step(incident_id=incident.pk, actor=people.inspector)
    city_notices = IncidentNotice.objects.filter(incident=incident, level="city")
    assert sorted(city_notices.values_list("channel", flat=True)) == ["email", "inapp", "inapp", "webhook"]
    assert city_notices.filter(status=DeliveryStatus.PENDING).count() == 2

    report = delivery.deliver_pending()
    assert (report.claimed, report.sent, report.failed) == (2, 2, 0)
    assert [m.to for m in mailoutbox] == [["city@example.gov.cn"]]
    assert incident.code in mailoutbox[0].subject and "县级上报事故" in mailoutbox[0].body
    assert len(robot.received) == 1 and incident.title in robot.received[0].body["markdown"]["text"]
    assert not city_notices.filter(status=DeliveryStatus.PENDING).exists()
    assert delivery.deliver_pending().claimed == 0  # sent once


def test_a_failing_robot_is_retried_later_and_the_error_kept(people, robot):  # noqa: F811
    WebhookEndpoint.objects.create(region=factories.region("4305"), name="邵阳市应急值班群", url=robot.url)
    robot.answers.append((200, {"errcode": 310000, "errmsg": "sign not match"}))
    incident = record(people)
    services.incident_report_step(incident_id=incident.pk, actor=people.inspector)
    report = delivery.deliver_pending()
    assert report.failed == 1
    row = IncidentNotice.objects.get(incident=incident, channel=Channel.WEBHOOK)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1 and "310000" in row.last_error
    assert row.next_attempt_at is not None
