"""seed_demo's incident section: several grades and types, this year and last, idempotent."""
from __future__ import annotations

import pytest

from accounts.choices import Role
from incidents.demo import COUNTY_RECORDER, COUNTY_STAFF, PLANS, seed_incidents
from incidents.models import Incident, IncidentEvent
from tests import factories
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_incidents_are_seeded_once_with_several_grades_and_types(people):
    UserFactory(username="admin", role=Role.ADMIN, region=factories.region("43"), is_superuser=True)
    for county, username in COUNTY_STAFF.items():
        UserFactory(username=username, role=Role.SUPERVISOR, region=factories.region(county))
        UserFactory(username=COUNTY_RECORDER[county], role=Role.INSPECTOR, region=factories.region(county))
        EnterpriseFactory(region=factories.region(county + "100"))
    UserFactory(username="city", role=Role.SUPERVISOR, region=factories.region("4305"))

    assert seed_incidents() == len(PLANS)
    incidents = Incident.objects.all()
    assert {"general", "larger", "major"} <= set(incidents.values_list("grade", flat=True))
    assert incidents.values("type").distinct().count() >= 10
    assert {"reported", "investigating", "closed"} <= set(incidents.values_list("status", flat=True))
    years = set(incidents.values_list("occurred_at__year", flat=True))
    assert len(years) == 2
    events = IncidentEvent.objects.count()

    assert seed_incidents() == 0  # a second run changes nothing
    assert Incident.objects.count() == len(PLANS) and IncidentEvent.objects.count() == events
