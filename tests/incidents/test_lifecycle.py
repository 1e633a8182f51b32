"""An incident from record to closure (结案): investigation by the grade's authority, its
deadline and one extension, findings, follow-up hazards, 挂牌督办, and every refusal on the way."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import Http404
from django.utils import timezone

from hazards.choices import HazardSource, HazardStatus
from hazardtrack.errors import DomainError
from incidents import services
from incidents.choices import IncidentAttachmentKind, IncidentStatus, LeadAuthority
from incidents.models import Incident, IncidentEvent
from tests.factories import HazardFactory, photo

from .conftest import record, update

pytestmark = pytest.mark.django_db

FINDINGS = {"direct_causes": "作业人员未系安全带", "indirect_causes": "安全培训不到位，现场监护缺失",
            "responsible_parties": "企业主要负责人未履行安全生产管理职责，建议罚款", "recommendations": "开展高处作业专项整治"}


def pdf_upload(name="调查报告.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def start(p, incident, actor=None, **kw):
    return services.incident_start_investigation(
        incident_id=incident.pk, actor=actor or p.supervisor, expected_version=incident.version,
        team_leader="县应急管理局局长", team_members="应急、公安、总工会、住建", **kw)


def test_a_general_incident_is_investigated_by_the_county_and_closed_with_the_approved_report(people):
    incident = record(people, deaths=1)
    incident = start(people, incident)
    assert incident.status == IncidentStatus.INVESTIGATING
    investigation = incident.investigation
    assert investigation.lead_authority == LeadAuthority.COUNTY
    assert investigation.due_on == timezone.localdate() + datetime.timedelta(days=60)

    with pytest.raises(DomainError) as incomplete:
        services.incident_close(incident_id=incident.pk, actor=people.supervisor, expected_version=incident.version,
                                approval_doc_no="新政函〔2026〕1号", approved_on=timezone.localdate(),
                                report_files=[pdf_upload()])
    assert incomplete.value.code == "findings_incomplete"

    incident = services.incident_record_findings(incident_id=incident.pk, actor=people.inspector,
                                                 expected_version=incident.version, findings=FINDINGS)
    with pytest.raises(DomainError) as no_report:
        services.incident_close(incident_id=incident.pk, actor=people.supervisor, expected_version=incident.version,
                                approval_doc_no="新政函〔2026〕1号", approved_on=timezone.localdate())
    assert no_report.value.code == "report_required"

    incident = services.incident_close(incident_id=incident.pk, actor=people.supervisor,
                                       expected_version=incident.version, approval_doc_no="新政函〔2026〕1号",
                                       approved_on=timezone.localdate(), report_files=[pdf_upload()])
    assert incident.status == IncidentStatus.CLOSED
    assert incident.attachments.get().kind == IncidentAttachmentKind.REPORT
    actions = list(IncidentEvent.objects.filter(incident=incident).values_list("action", flat=True))
    assert actions == ["created", "investigation_started", "findings_recorded", "closed"]


def test_a_larger_incident_is_investigated_by_the_city_not_the_county(people):
    incident = record(people, deaths=3)
    with pytest.raises(DomainError) as refused:
        start(people, incident)
    assert refused.value.code == "lead_level_too_low" and "设区的市级人民政府" in str(refused.value)
    incident = start(people, incident, actor=people.city)
    assert incident.investigation.lead_authority == LeadAuthority.CITY


def test_the_investigation_may_be_extended_once_by_at_most_60_days(people):
    incident = start(people, record(people))
    due = incident.investigation.due_on
    with pytest.raises(DomainError) as too_long:
        services.incident_extend_investigation(incident_id=incident.pk, actor=people.supervisor,
                                               expected_version=incident.version,
                                               new_due_on=due + datetime.timedelta(days=61), reason="鉴定未完成")
    assert too_long.value.code == "extension_too_long"
    incident = services.incident_extend_investigation(incident_id=incident.pk, actor=people.supervisor,
                                                      expected_version=incident.version,
                                                      new_due_on=due + datetime.timedelta(days=60), reason="鉴定未完成")
    incident.refresh_from_db()
    assert incident.investigation.due_on == due + datetime.timedelta(days=60)
    assert incident.investigation.original_due_on == due
    with pytest.raises(DomainError) as twice:
        services.incident_extend_investigation(incident_id=incident.pk, actor=people.supervisor,
                                               expected_version=incident.version,
                                               new_due_on=due + datetime.timedelta(days=59), reason="再延")
    assert twice.value.code == "already_extended"


def test_a_follow_up_hazard_goes_through_the_hazard_lifecycle_and_is_linked_to_the_incident(people):
    incident = record(people)
    hazard = services.incident_create_followup_hazard(
        incident_id=incident.pk, actor=people.inspector, data={"title": "脚手架未设置防护栏杆"}, before_photos=[photo()])
    assert hazard.status == HazardStatus.REPORTED and hazard.source == HazardSource.INSPECTION
    assert hazard.code.startswith("YH-430522-")
    assert hazard.enterprise == people.enterprise and hazard.source_reference == incident.code
    assert hazard.events.get().action == "created"  # created by hazards.services, with its audit event
    assert list(incident.hazards.all()) == [hazard]

    existing = HazardFactory(enterprise=people.enterprise, code="YH-430522-2026-000777")
    services.incident_link_hazard(incident_id=incident.pk, actor=people.inspector, hazard_code="yh-430522-2026-000777")
    assert set(incident.hazards.all()) == {hazard, existing}
    with pytest.raises(DomainError) as twice:
        services.incident_link_hazard(incident_id=incident.pk, actor=people.inspector, hazard_code=existing.code)
    assert twice.value.code == "already_linked"
    assert IncidentEvent.objects.filter(incident=incident, action="hazard_linked").count() == 2


def test_a_hazard_of_another_county_cannot_be_linked(people):
    incident = record(people)
    elsewhere = HazardFactory(enterprise=None, region=people.neighbour.region, code="YH-430523-2026-000001")
    with pytest.raises(DomainError) as refused:
        services.incident_link_hazard(incident_id=incident.pk, actor=people.inspector, hazard_code=elsewhere.code)
    assert refused.value.code == "hazard_not_found"


def test_staff_of_another_county_get_404_for_every_action(people):
    incident = record(people)
    with pytest.raises(Http404):
        update(people, incident, actor=people.neighbour, deaths=1)
    with pytest.raises(Http404):
        services.incident_report_step(incident_id=incident.pk, actor=people.neighbour)
    with pytest.raises(Http404):
        services.incident_report_step(incident_id=incident.pk, actor=people.contact)
    assert not Incident.objects.visible_to(people.contact).exists()  # enterprise contacts see no incidents


def test_figures_updated_from_a_stale_page_are_refused_not_overwritten(people):
    incident = record(people, deaths=1)
    stale_version = incident.version
    update(people, incident, deaths=2)
    with pytest.raises(DomainError) as stale:
        services.incident_update_figures(incident_id=incident.pk, actor=people.supervisor,
                                         expected_version=stale_version, figures={"deaths": 5})
    assert stale.value.code == "stale_version"
    incident.refresh_from_db()
    assert incident.deaths == 2


def test_an_update_that_changes_nothing_is_refused(people):
    incident = record(people, deaths=1)
    with pytest.raises(DomainError) as same:
        update(people, incident)
    assert same.value.code == "no_change"


def test_recording_refuses_bad_input_with_a_field_level_message(people):
    with pytest.raises(DomainError) as future:
        record(people, occurred_at=timezone.now() + datetime.timedelta(hours=2))
    assert future.value.field == "occurred_at"
    with pytest.raises(DomainError) as elsewhere:
        record(people, enterprise=None, region=people.neighbour.region, sector=people.enterprise.sector)
    assert elsewhere.value.code == "out_of_jurisdiction"
    with pytest.raises(DomainError) as early:
        record(people, occurred_at=timezone.now() - datetime.timedelta(hours=1),
               unit_reported_at=timezone.now() - datetime.timedelta(hours=2))
    assert early.value.field == "unit_reported_at"
    with pytest.raises(DomainError) as contact:
        record(people, actor=people.contact)
    assert contact.value.status == 403


def test_listing_for_supervision_is_at_the_actors_level_or_lower(people):
    incident = record(people, deaths=3)
    with pytest.raises(DomainError):
        services.incident_list_for_supervision(incident_id=incident.pk, actor=people.supervisor,
                                               expected_version=incident.version, listing_level="city",
                                               doc_no="邵安委办〔2026〕3号", listing_date=timezone.localdate())
    incident = services.incident_list_for_supervision(incident_id=incident.pk, actor=people.city,
                                                      expected_version=incident.version, listing_level="city",
                                                      doc_no="邵安委办〔2026〕3号", listing_date=timezone.localdate())
    assert incident.listing_level == "city"


@pytest.mark.postgres
def test_the_incident_timeline_is_append_only_in_the_database(people):
    incident = record(people)
    event = IncidentEvent.objects.get(incident=incident)
    with pytest.raises(DatabaseError), transaction.atomic():
        IncidentEvent.objects.filter(pk=event.pk).update(comment="改写")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            IncidentEvent.objects.filter(pk=event.pk).delete()


def test_the_investigation_is_due_as_the_incidents_region_counts_the_period(people):
    from accounts.models import Region
    from workdays.choices import CountRule, DeadlineType
    from workdays.models import RegionDayRule
    from workdays.rules import add_days

    incident = record(people, deaths=1)
    RegionDayRule.objects.create(region=Region.objects.get(code=incident.region_id[:6]),
                                 deadline_type=DeadlineType.INCIDENT_INVESTIGATION, rule=CountRule.WORKING)
    incident = start(people, incident)
    today = timezone.localdate()
    assert incident.investigation.due_on == add_days(today, 60, rule=CountRule.WORKING)
    assert incident.investigation.due_on > today + datetime.timedelta(days=80)  # 60 working days
