"""The demo section of the supervision app (subscriptions, a monthly report, the 发文机关 of
邵阳市 and 新邵县) seeds once and changes nothing on a second run."""
from __future__ import annotations

import pytest

from supervision.demo import seed_supervision
from supervision.models import IssuingBody, Report, Subscription
from tests.factories import region, supervisor

pytestmark = pytest.mark.django_db


def test_demo_subscriptions_and_monthly_report_are_seeded_once():
    region("4305", "邵阳市")
    supervisor("4305", username="city")
    supervisor("430522", username="supervisor")
    assert seed_supervision() == 7  # 4 subscriptions, 2 issuing bodies, 1 monthly report
    assert seed_supervision() == 0
    assert Subscription.objects.count() == 4 and Report.objects.filter(kind="month").count() == 1
    assert IssuingBody.objects.get(region_id="4305").short_name == "邵阳市安委办"
