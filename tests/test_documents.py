"""Shared document machinery: numbered series and PDF rendering with Chinese text."""
from __future__ import annotations

import io
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
