"""The on-site inspection record and the rectification order: numbered per department and
year, PDFs with Chinese text that list the hazards (read back with pypdf)."""
from __future__ import annotations

import io
import threading

import pytest
from django.db import connection

from accounts.models import Department
from hazardtrack.errors import DomainError
from inspections import documents, services
from inspections.choices import DocumentKind, ItemResult
from inspections.models import InspectionDocument
from tests import factories
from tests.factories import photo

from .conftest import answer, start

pypdf = pytest.importorskip("pypdf")


def pdf_text(document) -> str:
    reader = pypdf.PdfReader(io.BytesIO(documents.render(document)))
    return "".join(page.extract_text() for page in reader.pages)


def finished_with_findings(team):
    """A finished fire-safety inspection: one open hazard, one fixed on the spot (new hazards,
    even when an earlier call left the same ones open)."""
    inspection = start(team)
    items = list(inspection.template_version.items.order_by("position"))
    open_row = answer(team, inspection, items[4], ItemResult.FAIL, note="二层疏散通道堆放货物", photos=[photo()],
                      not_duplicate=True)
    fixed_row = answer(team, inspection, items[7], ItemResult.FAIL, note="灭火器压力不足，已当场更换",
                       rectified_on_spot=True, after_photos=[photo()], not_duplicate=True)
    for checklist_item in items:
        if checklist_item.pk not in (items[4].pk, items[7].pk):
            answer(team, inspection, checklist_item, ItemResult.PASS)
    services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector, conclusion="责令限期整改疏散通道问题")
    return inspection, open_row.hazard, fixed_row.hazard


@pytest.mark.django_db
def test_the_inspection_record_pdf_lists_every_finding_with_its_hazard_code(team):
    inspection, open_hazard, fixed_hazard = finished_with_findings(team)
    record = services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.RECORD)
    year = factories.days_from_today(0).year
    assert record.doc_no == f"邵新应急检记〔{year}〕1号"
    text = pdf_text(record)
    for expected in ("现场检查记录", record.doc_no, team.enterprise.name, open_hazard.code, fixed_hazard.code,
                     "已立行立改", "责令限期整改疏散通道问题", "张检查"):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_rectification_order_lists_open_hazards_with_measures_and_deadline(team):
    inspection, open_hazard, fixed_hazard = finished_with_findings(team)
    deadline = factories.days_from_today(15)
    order = services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.ORDER,
                                    deadline=deadline)
    assert order.doc_no.startswith("邵新应急责改〔") and order.number == 1
    text = pdf_text(order)
    assert "责令限期整改指令书" in text and order.doc_no in text
    assert open_hazard.code in text and fixed_hazard.code not in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text and "整改措施" in text
    # Issued documents are frozen: asking again returns the same one, no new number.
    again = services.document_issue(inspection_id=inspection.pk, actor=team.partner, kind=DocumentKind.ORDER,
                                    deadline=factories.days_from_today(30))
    assert again.pk == order.pk and InspectionDocument.objects.count() == 1


@pytest.mark.django_db
def test_documents_need_a_finished_inspection_and_an_order_needs_open_hazards(team):
    inspection = start(team)
    with pytest.raises(DomainError) as error:
        services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.RECORD)
    assert error.value.code == "not_finished"
    for checklist_item in inspection.template_version.items.all():
        answer(team, inspection, checklist_item, ItemResult.PASS)
    services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector)
    with pytest.raises(DomainError) as error:
        services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.ORDER,
                                deadline=factories.days_from_today(10))
    assert error.value.code == "no_open_hazards"


@pytest.mark.django_db
def test_numbers_run_per_department_and_year(team):
    first, _, _ = finished_with_findings(team)
    second, _, _ = finished_with_findings(team)
    fire = Department.objects.create(region=team.department.region, name="消防救援大队")
    firefighter = factories.inspector("430522", department=fire)
    numbers = [
        services.document_issue(inspection_id=first.pk, actor=team.inspector, kind=DocumentKind.RECORD).doc_no,
        services.document_issue(inspection_id=second.pk, actor=team.partner, kind=DocumentKind.RECORD).doc_no,
    ]
    year = factories.days_from_today(0).year
    assert numbers == [f"邵新应急检记〔{year}〕1号", f"邵新应急检记〔{year}〕2号"]
    third = start(team, inspectors=[team.inspector, firefighter], actor=firefighter)
    for checklist_item in third.template_version.items.all():
        answer(team, third, checklist_item, ItemResult.PASS)
    services.inspection_finish(inspection_id=third.pk, actor=team.inspector)
    assert services.document_issue(inspection_id=third.pk, actor=firefighter,
                                   kind=DocumentKind.RECORD).doc_no == f"邵新消防检记〔{year}〕1号"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_document_numbers_do_not_collide_under_concurrency(team):
    inspections = []
    for _ in range(6):
        inspection = start(team)
        for checklist_item in inspection.template_version.items.all():
            answer(team, inspection, checklist_item, ItemResult.PASS)
        services.inspection_finish(inspection_id=inspection.pk, actor=team.inspector)
        inspections.append(inspection)
    start_line = threading.Barrier(len(inspections))
    errors: list[BaseException] = []

    def issue(inspection):
        try:
            start_line.wait()
            services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.RECORD)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in inspections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    numbers = sorted(InspectionDocument.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len(set(InspectionDocument.objects.values_list("doc_no", flat=True))) == 6


@pytest.mark.django_db
def test_documents_and_findings_stay_chinese_when_the_inspector_uses_english(team):
    from django.utils import translation

    with translation.override("en"):
        inspection, open_hazard, _fixed = finished_with_findings(team)
        record = services.document_issue(inspection_id=inspection.pk, actor=team.inspector, kind=DocumentKind.RECORD)
        text = pdf_text(record)
    assert record.doc_no.startswith("邵新应急检记〔")
    assert record.content["title"] == "现场检查记录" and record.content["inspection"]["type"] == "日常检查"
    assert open_hazard.title.startswith("不符合：") and "检查依据：" in open_hazard.description
    assert "现场检查记录" in text and "On-site inspection record" not in text
