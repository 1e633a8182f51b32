"""Hostile uploads over HTTP, through the API and the phone page: files disguised by their
extension, decompression bombs, huge images, path tricks, NUL bytes and very long names in
file names. Each is refused with a clear Chinese message naming the file (or, for names,
stored harmlessly) — never a 500, never a file outside MEDIA_ROOT."""
from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hazards.models import Attachment
from tests import factories
from tests.factories import EnterpriseFactory, jpeg_bytes
# The photo tests' fixtures: a county inspector and a hazard of theirs (and fast password hashing).
from tests.hazards.test_attachments import (  # noqa: F401 - fixtures
    MINIMAL_PDF,
    _fast_password_hashing,
    hazard,
    inspector,
    png_claiming,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(inspector):
    client = Client()
    client.force_login(inspector)
    return client


def zip_bomb() -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", b"\0" * 20_000_000)
    return buf.getvalue()


def api_upload(client, hazard, name: str, content: bytes, content_type: str = "image/jpeg", kind="before"):
    return client.post(f"/api/hazards/{hazard.pk}/attachments/",
                       {"kind": kind, "files": [SimpleUploadedFile(name, content, content_type)]})


DISGUISED = [
    ("photo.jpg", b"<html><script>alert(document.cookie)</script></html>", "text/html"),
    ("photo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ("scan.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
    ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg"),  # a Windows program
    ("photo.png", zip_bomb(), "image/png"),  # 20 MB of zeros in a few KB
    ("photo.jpg", b"GIF89a" + b"\x00" * 64, "image/jpeg"),  # a GIF is not an accepted photo type
]


@pytest.mark.parametrize("name, content, claimed", DISGUISED)
def test_a_file_disguised_by_its_extension_is_refused_naming_it(client, hazard, name, content, claimed):
    response = api_upload(client, hazard, name, content, claimed, kind="document")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_type_not_allowed" and body["field"] == "file"
    assert name in body["detail"] and "实际内容不是允许的类型" in body["detail"]
    assert not Attachment.objects.exists()


def test_a_decompression_bomb_is_refused_without_being_decoded(client, hazard):
    response = api_upload(client, hazard, "bomb.png", png_claiming(20_000, 20_000), "image/png")
    assert response.status_code == 400
    assert response.json()["code"] == "image_too_large" and "像素过多" in response.json()["detail"]


def test_a_huge_but_honest_image_is_refused_with_the_reason(client, hazard):
    response = api_upload(client, hazard, "panorama.png", png_claiming(9_000, 5_000), "image/png")
    assert response.status_code == 400 and "像素过多，请压缩后再上传" in response.json()["detail"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client, hazard, settings):
    settings.UPLOAD_MAX_BYTES = 50_000
    response = api_upload(client, hazard, "big.jpg", jpeg_bytes(800, 800) + b"\0" * 60_000)
    assert response.status_code == 400 and "上限" in response.json()["detail"]


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.jpg", "passwd.jpg"),
    ("photo\x00.php.jpg", "photo.php.jpg"),
    ("现场照片" * 100 + ".jpg", ("现场照片" * 100)[:196] + ".jpg"),
])
def test_tricky_names_are_stored_harmlessly_and_served_back_safely(client, hazard, settings, name, shown):
    response = api_upload(client, hazard, name, jpeg_bytes())
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.original_name == shown and len(attachment.original_name) <= 200
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert Path(attachment.file.path).resolve().is_relative_to(media_root)
    download = client.get(f"/hazards/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert "\n" not in download["Content-Disposition"] and "\x00" not in download["Content-Disposition"]
    assert "Set-Cookie" not in {k.title() for k in download.headers}


def test_control_characters_never_reach_the_database_or_a_download_header():
    from hazardtrack.upload_checks import clean_file_name

    assert clean_file_name("line\r\nSet-Cookie: x=1.jpg") == "lineSet-Cookie: x=1.jpg"
    assert clean_file_name("\x00\x1b[31m.jpg") == "[31m.jpg"
    assert clean_file_name("..") == clean_file_name("") == "file"


def test_a_disguised_photo_on_the_phone_page_is_refused_on_its_field_keeping_the_text(client):
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    response = client.post("/hazards/new/", {
        "enterprise": enterprise.credit_code, "title": "消防通道堵塞", "level": "general",
        "category": "unsafe_condition", "source": "inspection",
        "before_photos": [SimpleUploadedFile("site.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")],
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "site.jpg" in page and "实际内容不是允许的类型" in page
    assert 'value="消防通道堵塞"' in page
    assert not Attachment.objects.exists()


def test_a_real_pdf_is_still_accepted_as_a_document(client, hazard):
    response = api_upload(client, hazard, "整改报告.pdf", MINIMAL_PDF, "application/pdf", kind="document")
    assert response.status_code == 201
    assert Attachment.objects.get().content_type == "application/pdf"
