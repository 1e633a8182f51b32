"""The demo data set has inspections to look at, and seeding again adds none."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from inspections import demo
from inspections.choices import InspectionStatus, PlanStatus
from inspections.models import Inspection, InspectionDocument, InspectionPlan, InspectionResult
from inspections.selectors import plan_verify

pytestmark = pytest.mark.django_db


def test_demo_inspections_are_seeded_once():
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Inspection, InspectionResult, InspectionDocument, InspectionPlan)]
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert statuses == {InspectionStatus.DRAFT, InspectionStatus.IN_PROGRESS, InspectionStatus.FINISHED}
    assert InspectionResult.objects.filter(hazard__level="major").exists()
    assert InspectionResult.objects.filter(rectified_on_spot=True).exists()
    plan = InspectionPlan.objects.get()
    assert plan.status == PlanStatus.PUBLISHED and plan_verify(plan).matches

    # Hazardous-chemicals enterprises (资江化工 among them) are inspected with their own checklist.
    hazchem = Inspection.objects.filter(enterprise__sector_id="hazchem")
    assert hazchem.exists()
    assert set(hazchem.values_list("template_version__template__code", flat=True)) == {"hazchem-2017"}

    assert demo.seed_inspections() == 0
    assert [m.objects.count() for m in (Inspection, InspectionResult, InspectionDocument, InspectionPlan)] == counts
