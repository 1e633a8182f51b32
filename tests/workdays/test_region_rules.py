"""Per-region counting rules and the clocks that read them (resume review, investigation)."""
import datetime

import pytest
from django.utils import timezone

from accounts.models import Region
from workdays.choices import CountRule, DeadlineType
from workdays.models import RegionDayRule
from workdays.rules import add_days, rule_for

pytestmark = pytest.mark.django_db


def _region(code, name, parent=None):
    return Region.objects.get_or_create(code=code, defaults={"name": name, "parent": parent})[0]


def test_a_region_follows_its_nearest_ancestors_rule_else_the_default():
    province = _region("43", "湖南省")
    city = _region("4305", "邵阳市", province)
    _region("430522", "新邵县", city)
    assert rule_for(region_code="430522", deadline_type=DeadlineType.RESUME_REVIEW) == CountRule.NATURAL
    RegionDayRule.objects.create(region=province, deadline_type=DeadlineType.RESUME_REVIEW, rule=CountRule.NATURAL_ROLL)
    assert rule_for(region_code="430522", deadline_type=DeadlineType.RESUME_REVIEW) == CountRule.NATURAL_ROLL
    RegionDayRule.objects.create(region=city, deadline_type=DeadlineType.RESUME_REVIEW, rule=CountRule.WORKING)
    assert rule_for(region_code="430522", deadline_type=DeadlineType.RESUME_REVIEW) == CountRule.WORKING
    # Another period type is untouched by the rule of this one.
    assert rule_for(region_code="430522", deadline_type=DeadlineType.INCIDENT_INVESTIGATION) == CountRule.NATURAL


def test_the_casualty_window_counts_as_the_incident_region_says():
    import datetime

    from incidents.rules import casualty_last_day

    accident = dict(occurred_on=datetime.date(2026, 9, 24), sector_code="road_traffic", incident_type="vehicle")
    # 7 days after Thu 24 Sep 2026: 1 Oct in calendar days; in working days 25 Sep–7 Oct are off
    # but 28–30 Sep, 8, 9, 10 (make-up) and 12 Oct are the seven.
    assert casualty_last_day(**accident, region_code="430522") == datetime.date(2026, 10, 1)
    RegionDayRule.objects.create(region=_region("43", "湖南省"), deadline_type=DeadlineType.INCIDENT_CASUALTY,
                                 rule=CountRule.WORKING)
    assert casualty_last_day(**accident, region_code="430522") == datetime.date(2026, 10, 12)
