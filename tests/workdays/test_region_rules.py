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
