"""An inspection on site: the checklist answered item by item, failed items turned into
hazards in the ledger, the rules an inspector runs into."""
from __future__ import annotations

import pytest
from django.http import Http404

from hazards.choices import AttachmentKind, HazardLevel, HazardSource, HazardStatus
from hazards.models import Hazard
from hazardtrack.errors import DomainError
from inspections import services
from inspections.choices import InspectionStatus, InspectionType, ItemResult, Outcome
from inspections.models import ConflictOfInterest, Inspection, InspectionResult
from tests import factories
from tests.factories import photo

from .conftest import answer, item, start

pytestmark = pytest.mark.django_db


def test_a_failed_major_criterion_item_yields_a_major_hazard_linked_to_the_inspection(team):
    inspection = start(team, template_code="industry-trade-2023")
    criterion = item(inspection, major=True)
    row = answer(team, inspection, criterion, ItemResult.FAIL, note="除尘器未设置泄爆装置", photos=[photo()])

    hazard = Hazard.objects.get(pk=row.hazard_id)
    assert hazard.level == HazardLevel.MAJOR
    assert hazard.status == HazardStatus.REPORTED
    assert hazard.source == HazardSource.INSPECTION
    assert hazard.enterprise == team.enterprise and hazard.sector == team.enterprise.sector
    assert hazard.found_by == team.inspector
    assert "除尘器未设置泄爆装置" in hazard.description and criterion.basis in hazard.description
    assert hazard.attachments.filter(kind=AttachmentKind.BEFORE).count() == 1
    assert hazard.inspection_result.inspection == inspection


def test_a_failed_general_item_is_a_general_hazard(team):
    inspection = start(team)
    row = answer(team, inspection, item(inspection, major=False), ItemResult.FAIL, note="疏散通道堆放纸箱")
    assert row.hazard.level == HazardLevel.GENERAL
    assert row.hazard.title.startswith("不符合：")


def test_fixed_on_the_spot_the_hazard_is_closed_at_once_with_its_after_photo(team):
    inspection = start(team)
    row = answer(team, inspection, item(inspection, major=False), ItemResult.FAIL, note="灭火器压力不足，已当场更换",
                 photos=[photo()], rectified_on_spot=True, after_photos=[photo("after.jpg")])
    hazard = row.hazard
    assert row.rectified_on_spot and hazard.rectified_on_spot
    assert hazard.status == HazardStatus.SIGNED_OFF
    assert hazard.attachments.filter(kind=AttachmentKind.AFTER).count() == 1


def test_a_major_hazard_cannot_be_recorded_as_fixed_on_the_spot_and_nothing_is_saved(team):
    inspection = start(team, template_code="industry-trade-2023")
    with pytest.raises(DomainError) as error:
        answer(team, inspection, item(inspection, major=True), ItemResult.FAIL, note="未设置泄爆装置",
               rectified_on_spot=True, after_photos=[photo()])
    assert error.value.code == "on_spot_major"
    assert not InspectionResult.objects.exists() and not Hazard.objects.exists()


def test_a_failed_item_needs_a_description(team):
    inspection = start(team)
    with pytest.raises(DomainError) as error:
        answer(team, inspection, item(inspection, major=False), ItemResult.FAIL, note="  ")
    assert error.value.field == "note"


def test_answers_are_saved_one_by_one_and_a_half_done_inspection_resumes(team):
    inspection = start(team)
    first, second = item(inspection, position=1), item(inspection, position=2)
    answer(team, inspection, first, ItemResult.PASS)
    answer(team, inspection, second, ItemResult.NOT_APPLICABLE, actor=team.partner)
    resumed = Inspection.objects.get(pk=inspection.pk)
    assert resumed.status == InspectionStatus.IN_PROGRESS
    assert dict(resumed.results.values_list("item_id", "result")) == {first.pk: "pass", second.pk: "na"}
    # Changing an answer that has no hazard is allowed.
    answer(team, inspection, first, ItemResult.NOT_APPLICABLE, expected="pass")
    assert resumed.results.get(item=first).result == "na"


def test_two_people_answering_the_same_item_do_not_overwrite_each_other(team):
    inspection = start(team)
    first = item(inspection, position=1)
    answer(team, inspection, first, ItemResult.PASS, expected="")
    with pytest.raises(DomainError) as error:
        answer(team, inspection, first, ItemResult.NOT_APPLICABLE, actor=team.partner, expected="")
    assert error.value.code == "stale_version"
    assert inspection.results.get(item=first).result == "pass"


def test_an_item_that_became_a_hazard_is_locked(team):
    inspection = start(team)
    checklist_item = item(inspection, major=False)
    row = answer(team, inspection, checklist_item, ItemResult.FAIL, note="应急照明损坏")
    with pytest.raises(DomainError) as error:
        answer(team, inspection, checklist_item, ItemResult.PASS)
    assert error.value.code == "hazard_recorded" and row.hazard.code in str(error.value)


def test_enforcement_inspections_need_two_officers_but_supervisory_visits_do_not(team):
    with pytest.raises(DomainError) as error:
        start(team, inspectors=[team.inspector])
    assert error.value.code == "two_officers_required" and error.value.field == "inspectors"
    for enforcement_type in (InspectionType.UNANNOUNCED, InspectionType.RANDOM, InspectionType.FOLLOW_UP):
        with pytest.raises(DomainError):
            start(team, type=enforcement_type, inspectors=[team.inspector])
    visit = start(team, type=InspectionType.SUPERVISORY, inspectors=[team.supervisor], actor=team.supervisor)
    assert list(visit.inspectors.all()) == [team.supervisor]


def test_an_inspector_with_a_conflict_of_interest_cannot_join(team):
    ConflictOfInterest.objects.create(inspector=team.partner, enterprise=team.enterprise, reason="近亲属任该单位负责人",
                                      recorded_by=team.supervisor)
    with pytest.raises(DomainError) as error:
        start(team)
    assert error.value.code == "conflict_of_interest" and "近亲属" in str(error.value)


def test_inspectors_of_another_county_can_neither_join_nor_see_it(team):
    with pytest.raises(DomainError) as error:
        start(team, inspectors=[team.inspector, team.outsider])
    assert error.value.code == "inspector_out_of_jurisdiction"
    inspection = start(team)
    with pytest.raises(Http404):
        answer(team, inspection, item(inspection, position=1), actor=team.outsider)
    assert not Inspection.objects.visible_to(team.outsider).exists()


def test_only_the_team_fills_in_the_checklist(team):
    inspection = start(team)
    stranger = factories.inspector("430522")
    with pytest.raises(DomainError) as error:
        answer(team, inspection, item(inspection, position=1), actor=stranger)
    assert error.value.code == "not_on_team"
    answer(team, inspection, item(inspection, position=1), actor=team.supervisor)  # supervisors may


def test_an_item_of_another_checklist_is_refused(team):
    inspection = start(team)
    other = start(team, template_code="industry-trade-2023")
    with pytest.raises(DomainError) as error:
        answer(team, inspection, item(other, position=1))
    assert error.value.code == "item_not_in_checklist"


def test_finishing_needs_every_item_and_then_freezes_the_results(team):
    inspection = start(team)
    items = list(inspection.template_version.items.order_by("position"))
    answer(team, inspection, items[0], ItemResult.FAIL, note="疏散通道堵塞")
    with pytest.raises(DomainError) as error:
        services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector)
    assert error.value.code == "items_unanswered" and str(len(items) - 1) in str(error.value)
    for checklist_item in items[1:]:
        answer(team, inspection, checklist_item, ItemResult.PASS)
    finished = services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector)
    assert finished.status == InspectionStatus.FINISHED
    assert finished.outcome == Outcome.HAZARDS and finished.conclusion == str(Outcome.HAZARDS.label)
    with pytest.raises(DomainError) as error:
        answer(team, inspection, items[1], ItemResult.NOT_APPLICABLE)
    assert error.value.code == "finished"


def test_the_outcome_says_what_was_found(team):
    clean = start(team)
    for checklist_item in clean.template_version.items.all():
        answer(team, clean, checklist_item, ItemResult.PASS)
    assert services.inspection_finish(inspection_id=clean.pk, actor=team.inspector).outcome == Outcome.NO_PROBLEM

    fixed = start(team)
    items = list(fixed.template_version.items.order_by("position"))
    answer(team, fixed, items[0], ItemResult.FAIL, note="已当场整改", rectified_on_spot=True, after_photos=[photo()])
    for checklist_item in items[1:]:
        answer(team, fixed, checklist_item, ItemResult.PASS)
    assert services.inspection_finish(inspection_id=fixed.pk, actor=team.inspector,
                                      conclusion="现场整改到位").outcome == Outcome.FIXED_ON_SPOT


def test_a_scheduled_inspection_starts_with_its_first_answer(team):
    inspection = services.inspection_create(
        actor=team.supervisor, enterprise=team.enterprise, type=InspectionType.ROUTINE,
        date=factories.days_from_today(5), inspectors=[team.inspector, team.partner], started=False)
    assert inspection.status == InspectionStatus.DRAFT
    answer(team, inspection, item(inspection, position=1))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS and inspection.date == factories.days_from_today(0)


def test_the_enterprise_contact_sees_its_own_inspections_only(team):
    mine = start(team)
    other = start(team, enterprise=factories.EnterpriseFactory(region=factories.region("430522100")))
    contact = factories.enterprise_contact(team.enterprise)
    assert list(Inspection.objects.visible_to(contact)) == [mine]
    assert other not in Inspection.objects.visible_to(contact)
