"""The nightly job as the offices live it: each rung of the ladder on its day, once; a new
deadline starts again; a night after downtime sends only what is due now."""
import datetime
import io
import re

import pytest
from django.core.management import call_command

from hazards import services as hazard_services
from hazards.choices import HazardStatus
from hazards.models import Hazard
from hazardtrack.outbox import Channel, DeliveryStatus
from notices.choices import RunStatus
from notices.models import Delivery, EscalationPolicy, EscalationRun, Notice, WebhookEndpoint
from notices.policy import DEFAULT_LADDER
from notices.selectors import ladder_for_region
from tests.factories import EnterpriseFactory, enterprise_contact, region

from .conftest import DEADLINE, day, escalate, rungs

pytestmark = pytest.mark.django_db


def first_day_of_each_rung(hazard, days=range(-10, 21)) -> dict[int, int]:
    """Run the job every night from 10 days before the deadline to 20 after; return the day
    (relative to the deadline) on which each rung's notice appeared."""
    fired = {}
    for offset in days:
        escalate(day(offset))
        for level, _ in rungs(hazard):
            fired.setdefault(level, offset)
    return fired


@pytest.mark.parametrize("level, expected", [
    ("general", {0: -3, 1: 1, 2: 7, 3: 15}),
    ("major", {0: -7, 1: 1, 2: 3, 3: 7}),
])
def test_each_rung_fires_on_its_day_and_not_before(county, level, expected):
    hazard = county.hazard(level=level)
    assert first_day_of_each_rung(hazard) == expected
    assert len(rungs(hazard)) == 4  # and each exactly once over 31 nights


@pytest.mark.parametrize("offset, level", [(-4, None), (-3, 0), (0, 0), (1, 1), (6, 1), (7, 2), (14, 2), (15, 3)])
def test_a_single_night_creates_the_rung_due_that_day_for_a_general_hazard(county, offset, level):
    hazard = county.hazard()
    escalate(day(offset))
    assert rungs(hazard) == ([] if level is None else [(level, DEADLINE)])


@pytest.mark.parametrize("offset, level", [(-8, None), (-7, 0), (0, 0), (1, 1), (2, 1), (3, 2), (6, 2), (7, 3)])
def test_a_single_night_creates_the_rung_due_that_day_for_a_major_hazard(county, offset, level):
    hazard = county.hazard(level="major")
    escalate(day(offset))
    assert rungs(hazard) == ([] if level is None else [(level, DEADLINE)])


def test_running_the_same_night_again_creates_nothing_new(county):
    county.hazard()
    county.hazard(level="major")
    first = escalate(day(7))
    assert (first.level1, first.level2, first.level3) == (0, 1, 1)
    deliveries = Delivery.objects.count()
    again = escalate(day(7))
    assert again.status == RunStatus.SUCCEEDED
    assert again.notices_total == again.deliveries == again.flagged == 0
    assert Notice.objects.count() == 2 and Delivery.objects.count() == deliveries


def test_catching_up_after_twenty_missed_nights_sends_only_level_3(county):
    hazard = county.hazard()
    escalate(day(-10))  # the last night before the outage: nothing due yet
    run = escalate(day(20))
    assert rungs(hazard) == [(3, DEADLINE)]
    assert (run.reminders, run.level1, run.level2, run.level3) == (0, 0, 0, 1)
    # Level 3 goes to the city's supervisors only, and queues the hazard for the circular.
    recipients = set(Delivery.objects.filter(channel=Channel.INAPP).values_list("recipient", flat=True))
    assert recipients == {county.city_supervisor.pk}
    hazard.refresh_from_db()
    assert hazard.circular_queued_on == day(20) and run.circular_queued == 1


def test_an_approved_extension_starts_a_fresh_ladder(county):
    hazard = county.hazard()
    for offset in (1, 7):
        escalate(day(offset))
    assert rungs(hazard) == [(1, DEADLINE), (2, DEADLINE)]

    new_deadline = day(30)
    request = hazard_services.hazard_request_extension(
        hazard_id=hazard.pk, actor=county.contact, expected_version=hazard.version,
        requested_deadline=new_deadline, reason="设备采购周期长")
    hazard.refresh_from_db()
    hazard_services.hazard_decide_extension(
        hazard_id=hazard.pk, actor=county.county_supervisor, expected_version=hazard.version, approve=True)
    assert request.pk

    run = escalate(day(8))
    hazard.refresh_from_db()
    assert run.notices_total == 0 and hazard.overdue_since is None and run.unflagged == 1

    for offset in range(9, 32):
        escalate(day(offset))
    assert rungs(hazard) == [(1, DEADLINE), (2, DEADLINE), (0, new_deadline), (1, new_deadline)]
    hazard.refresh_from_db()
    assert hazard.overdue_since == day(31)


def test_the_overdue_flag_follows_the_hazard(county):
    late = county.hazard()
    reported = county.hazard(status=HazardStatus.RECTIFICATION_REPORTED)
    run = escalate(day(1))
    late.refresh_from_db()
    reported.refresh_from_db()
    assert late.overdue_since == day(1) and reported.overdue_since is None and run.flagged == 1
    assert set(Hazard.objects.overdue(day(1))) == set(Hazard.objects.filter(overdue_since__isnull=False))
    # Rectification reported during the day: the next night clears the flag and sends nothing more.
    Hazard.objects.filter(pk=late.pk).update(status=HazardStatus.RECTIFICATION_REPORTED)
    run = escalate(day(7))
    late.refresh_from_db()
    assert late.overdue_since is None and run.unflagged == 1 and run.level2 == 0


def test_recipients_of_each_level(county):
    inactive = enterprise_contact(county.enterprise, email="gone@example.cn", is_active=False)
    no_email = enterprise_contact(county.enterprise, email="")
    hazard = county.hazard()
    escalate(day(1))
    escalate(day(7))
    escalate(day(15))

    def inapp(level):
        return set(Delivery.objects.filter(notice__hazard=hazard, notice__level=level, channel=Channel.INAPP)
                   .values_list("recipient", flat=True))

    def email(level):
        return set(Delivery.objects.filter(notice__hazard=hazard, notice__level=level, channel=Channel.EMAIL)
                   .values_list("recipient", flat=True))

    assert inapp(1) == {county.contact.pk, county.inspector.pk, no_email.pk}
    assert email(1) == {county.contact.pk, county.inspector.pk}
    assert inactive.pk not in inapp(1)
    assert inapp(2) == email(2) == {county.county_supervisor.pk}
    assert inapp(3) == email(3) == {county.city_supervisor.pk}
    # In-app rows are delivered by being written; email waits for the delivery task.
    assert not Delivery.objects.filter(channel=Channel.INAPP).exclude(status=DeliveryStatus.SENT).exists()
    assert not Delivery.objects.filter(channel=Channel.EMAIL).exclude(status=DeliveryStatus.PENDING).exists()


def test_group_robots_receive_their_subtree_from_their_minimum_level(county, robot):
    city_robot = WebhookEndpoint.objects.create(region=region("4305"), name="邵阳市安委办", url=robot.url, min_level=2)
    county_robot = WebhookEndpoint.objects.create(region=region("430522"), name="新邵县安委办", url=robot.url)
    WebhookEndpoint.objects.create(region=region("430407"), name="别的县", url=robot.url)
    WebhookEndpoint.objects.create(region=region("430522"), name="停用", url=robot.url, enabled=False)
    hazard = county.hazard()
    for offset in (-3, 1, 7):
        escalate(day(offset))
    sent_to = set(Delivery.objects.filter(channel=Channel.WEBHOOK).values_list("notice__level", "endpoint"))
    assert sent_to == {(1, county_robot.pk), (2, county_robot.pk), (2, city_robot.pk)}
    assert Notice.objects.filter(hazard=hazard).count() == 3


def test_the_nearest_regional_policy_applies(county):
    EscalationPolicy.objects.create(region=region("430522"), level2_days_general=2, level3_days_general=4)
    EscalationPolicy.objects.create(region=region("430522100"), level2_days_general=3, level3_days_general=5,
                                    remind_days_general=1)
    in_township = county.hazard()  # 430522100: the township's own ladder
    elsewhere_in_county = county.hazard(enterprise=EnterpriseFactory(region=region("430522101")))
    other_county = county.hazard(enterprise=EnterpriseFactory(region=region("430407001")))
    escalate(day(2))
    assert rungs(in_township) == [(1, DEADLINE)]
    assert rungs(elsewhere_in_county) == [(2, DEADLINE)]
    assert rungs(other_county) == [(1, DEADLINE)]
    escalate(day(5))
    assert rungs(in_township)[-1] == (3, DEADLINE)
    # The Python twin agrees with the SQL.
    assert ladder_for_region("430522100").level3_days_general == 5
    assert ladder_for_region("430522101").level2_days_general == 2
    assert ladder_for_region("430407001") == DEFAULT_LADDER


def test_a_longer_regional_reminder_is_honoured(county):
    EscalationPolicy.objects.create(region=region("43"), remind_days_general=10)
    hazard = county.hazard()
    escalate(day(-11))
    assert rungs(hazard) == []
    escalate(day(-10))
    assert rungs(hazard) == [(0, DEADLINE)]


def test_hazards_without_a_running_deadline_are_left_alone(county):
    for status in (HazardStatus.REPORTED, HazardStatus.CONFIRMED, HazardStatus.RECTIFICATION_REPORTED,
                   HazardStatus.VERIFIED, HazardStatus.SIGNED_OFF):
        county.hazard(status=status)
    county.hazard(status=HazardStatus.ASSIGNED)  # assigned (major, awaiting its plan): the deadline runs
    run = escalate(day(1))
    assert run.level1 == 1 and run.flagged == 1


def test_a_dry_run_counts_everything_and_changes_nothing(county):
    hazard = county.hazard()
    run = escalate(day(7), dry_run=True)
    assert run.dry_run and run.status == RunStatus.SUCCEEDED
    assert (run.level2, run.flagged) == (1, 1) and run.deliveries == 2  # county supervisor: in-app + email
    hazard.refresh_from_db()
    assert not Notice.objects.exists() and not Delivery.objects.exists() and hazard.overdue_since is None


def test_every_run_is_recorded(county):
    county.hazard()
    escalate(day(1))
    escalate(day(2), dry_run=True)
    runs = list(EscalationRun.objects.order_by("id").values_list("as_of", "dry_run", "status", "level1"))
    assert runs == [(day(1), False, "succeeded", 1), (day(2), True, "succeeded", 0)]
    assert EscalationRun.objects.filter(finished_at__isnull=True).count() == 0


def test_the_command_prints_what_it_did(county):
    county.hazard()
    county.hazard(level="major")
    out = io.StringIO()
    call_command("escalate_overdue", "--as-of", day(3).isoformat(), stdout=out)
    text = out.getvalue()
    assert "run #" in text and "succeeded" in text
    assert re.search(r"level 1 \(overdue\):\s+1\n", text) and re.search(r"level 2 \(county\):\s+1\n", text)
    out = io.StringIO()
    call_command("escalate_overdue", "--as-of", day(7).isoformat(), "--dry-run", stdout=out)
    assert "DRY RUN" in out.getvalue() and re.search(r"level 3 \(city\):\s+1 ", out.getvalue())
    assert Notice.objects.filter(level=3).count() == 0


def test_the_command_rejects_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("escalate_overdue", "--as-of", "2026-13-01")


def test_policies_refuse_a_ladder_out_of_order(db):
    from django.core.exceptions import ValidationError

    policy = EscalationPolicy(region=region("430522"), level2_days_general=9, level3_days_general=8)
    with pytest.raises(ValidationError):
        policy.full_clean()


def test_the_job_issues_the_same_statements_for_1_and_30_hazards(county, django_assert_max_num_queries):
    """Set-based: the number of SQL statements does not grow with the hazards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    county.hazard()
    with CaptureQueriesContext(connection) as one:
        escalate(day(1))
    for _ in range(30):
        county.hazard(deadline=DEADLINE + datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        escalate(day(2))
    assert len(one.captured_queries) == len(many.captured_queries) <= 15
