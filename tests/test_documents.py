"""Shared document machinery: numbered series and PDF rendering with Chinese text."""
from __future__ import annotations

import io
import logging
import threading

import pytest
from django.db import connection, transaction

from accounts.numbering import next_document_number
from hazardtrack.pdf import render_pdf


@pytest.mark.django_db
def test_each_series_counts_on_its_own():
    assert [next_document_number(kind="order", issuer="12", year=2026) for _ in range(3)] == [1, 2, 3]
    assert next_document_number(kind="order", issuer="13", year=2026) == 1
    assert next_document_number(kind="order", issuer="12", year=2027) == 1
    assert next_document_number(kind="record", issuer="12", year=2026) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_documents_never_share_a_number():
    numbers: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def take():
        try:
            start.wait()
            with transaction.atomic():
                n = next_document_number(kind="order", issuer="430522", year=2026)
            with lock:
                numbers.append(n)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(numbers) == list(range(1, 9))


def test_pdf_carries_chinese_text(tmp_path, settings):
    pypdf = pytest.importorskip("pypdf")
    template = tmp_path / "doc.html"
    template.write_text('{% extends "pdf/base.html" %}{% block content %}<h1>责令限期整改指令书</h1>'
                        "<p>{{ code }}</p>{% endblock %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    pdf = render_pdf("doc.html", {"code": "YH-430522-2026-000123"})
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "责令限期整改指令书" in text
    assert "YH-430522-2026-000123" in text


# --- PDFs print their Chinese on a machine with no CJK font (issue #17) ----------------------

DEJAVU_ONLY = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>"""


@pytest.fixture
def dejavu_only(tmp_path, monkeypatch, caplog):
    """Fontconfig sees DejaVu only (WeasyPrint loads the configuration anew for every document),
    as on a fresh Debian without fonts-noto-cjk; WeasyPrint's warnings are captured."""
    config = tmp_path / "fonts.conf"
    config.write_text(DEJAVU_ONLY.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    caplog.set_level(logging.WARNING, logger="weasyprint")
    return caplog


def embedded_fonts(pdf: bytes) -> set[str]:
    pypdf = pytest.importorskip("pypdf")
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def assert_prints_chinese(pdf: bytes, caplog, *phrases: str) -> None:
    pypdf = pytest.importorskip("pypdf")
    notdef = [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]
    assert notdef == []
    assert any("HT-Serif" in name for name in embedded_fonts(pdf)), embedded_fonts(pdf)  # the bundled face
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    for phrase in phrases:
        assert phrase in text


DOC = {
    "doc_no": "邵新应急检记〔2026〕12号", "title": "现场检查记录", "issuer": "新邵县应急管理局", "issue_date": "2026-12-22",
    "enterprise": {"name": "新邵县鑫磊机械厂", "credit_code": "91430522MA4L0XXXX1", "address": "新邵县酿溪镇",
                   "contact_name": "刘建国", "contact_phone": "13800000000"},
    "inspection": {"id": 1, "type": "日常检查", "date": "2026-12-22", "checklist": "工贸行业检查表（第1版）",
                   "conclusion": "存在一般事故隐患，责令限期整改。", "inspectors": ["王敏", "李强"]},
    "counts": {"total": 3, "passed": 2, "failed": 1, "not_applicable": 0},
    "findings": [{"code": "YH-430522-2026-000123", "level": "一般隐患", "description": "配电箱未接地",
                  "on_spot": False}],
    "deadline": "2026-12-31",
    "hazards": [{"code": "YH-430522-2026-000123", "level": "一般隐患", "title": "配电箱未接地", "description": "",
                 "measures": "立即采取措施消除事故隐患。", "deadline": "2026-12-31"}],
}


@pytest.mark.parametrize("template, phrase", [("inspections/pdf/record.html", "现场检查记录"),
                                              ("inspections/pdf/order.html", "责令限期整改指令书")])
def test_inspection_documents_print_chinese_without_system_cjk_fonts(dejavu_only, template, phrase):
    pdf = render_pdf(template, {"doc": DOC})
    assert_prints_chinese(pdf, dejavu_only, phrase, "新邵县鑫磊机械厂", "配电箱未接地")


@pytest.mark.django_db
def test_circular_report_and_dashboard_print_chinese_without_system_cjk_fonts(dejavu_only):
    import datetime

    from supervision import exports, services
    from supervision.selectors import dashboard
    from supervision.statistics import Period
    from tests.factories import region, supervisor
    from tests.supervision.conftest import hazard, local

    region("4305", "邵阳市")
    region("430522", "新邵县")
    hazard("430522100", found=local("2026-11-10"), title="配电箱未接地")
    city = supervisor("4305")
    circular = services.circular_draft(actor=city, region_code="4305", period_start=datetime.date(2026, 11, 1),
                                       period_end=datetime.date(2026, 11, 30), today=datetime.date(2026, 12, 7))
    assert circular.title.startswith("关于2026年11月1日至2026年11月30日")
    assert_prints_chinese(services.circular_pdf(circular), dejavu_only, "隐患排查治理逾期情况的通报")

    report = services.report_generate(kind="month", region=city.region, today=datetime.date(2026, 12, 7))
    assert_prints_chinese(report.pdf.read(), dejavu_only, "主要指标", "新邵县")

    board = dashboard(user=city, region=city.region, period=Period(datetime.date(2026, 11, 1),
                                                                   datetime.date(2026, 11, 30)),
                      today=datetime.date(2026, 12, 7))
    assert_prints_chinese(exports.dashboard_pdf(board), dejavu_only, "主要指标", "新邵县")


def test_documents_write_dates_without_zero_padding():
    import datetime

    from accounts.templatetags.documents import cn_date

    assert cn_date(datetime.date(2026, 12, 7)) == "2026年12月7日"
    assert cn_date("2026-01-02") == "2026年1月2日"  # the ISO dates of frozen document snapshots
    assert cn_date(None) == ""


def test_the_record_keeps_its_credit_code_label_on_one_line(dejavu_only):
    pypdf = pytest.importorskip("pypdf")
    pdf = render_pdf("inspections/pdf/record.html", {"doc": DOC})
    lines = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert any("统一社会信用代码" in line for line in lines)  # not "统一社会信用代" / "码"
    assert any("2026年12月22日" in line for line in lines)
