"""Photos and documents of a hazard: the file's content decides, not its name; images come out
upright, without metadata, with a thumbnail; names on disk are random and inside MEDIA_ROOT."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from hazards import services
from hazardtrack.upload_checks import THUMBNAIL_SIZE, check_upload
from hazards.choices import AttachmentKind, EventAction, HazardStatus
from hazards.models import Attachment, Hazard
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import EnterpriseFactory, jpeg_bytes, photo

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112
MAKE = 0x010F
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories set a password; production-strength hashing makes each user take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def inspector():
    return factories.inspector("430522")


@pytest.fixture
def hazard(inspector):
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    return services.hazard_create(actor=inspector, data={"title": "配电箱门缺失", "enterprise": enterprise})


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(hazard, actor, *files, kind=AttachmentKind.BEFORE):
    return services.hazard_add_attachments(hazard_id=hazard.pk, actor=actor, kind=kind, files=list(files))


def refused(code: str, hazard, actor, *files, kind=AttachmentKind.BEFORE) -> DomainError:
    with pytest.raises(DomainError) as excinfo:
        attach(hazard, actor, *files, kind=kind)
    assert excinfo.value.code == code, excinfo.value.message
    assert excinfo.value.status == 400
    assert not Attachment.objects.filter(hazard=hazard).exists()
    return excinfo.value


def stored_image(field) -> Image.Image:
    with field.open("rb") as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
    return image


def jpeg_with_exif(width: int, height: int, tags: dict[int, object]) -> bytes:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[tag] = value
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid single-colour (black, 1 bit per pixel) PNG of the given size; the pixel data
    compresses to almost nothing, so the file is tiny while decoding it would need about
    width*height bytes of memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    compressor = zlib.compressobj(1)  # fast; zeros shrink ~250:1 anyway
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + one bit per pixel
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


# --- accepted ------------------------------------------------------------------------------

def test_a_real_photo_is_stored_with_a_thumbnail(hazard, inspector):
    event = attach(hazard, inspector, upload("现场.jpg", jpeg_bytes(1200, 900)))
    assert event.action == EventAction.ATTACHMENT_ADDED
    attachment = Attachment.objects.get(hazard=hazard)
    assert attachment.event == event
    assert attachment.kind == AttachmentKind.BEFORE
    assert attachment.content_type == "image/jpeg"
    assert attachment.is_image
    assert attachment.original_name == "现场.jpg"
    assert attachment.uploaded_by == inspector
    assert attachment.size == attachment.file.size
    assert stored_image(attachment.file).size == (1200, 900)
    thumbnail = stored_image(attachment.thumbnail)
    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) == max(THUMBNAIL_SIZE)
    assert thumbnail.size == (320, 240)  # proportions kept


def test_photos_attached_when_reporting_are_kept(inspector):
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    hazard = services.hazard_create(
        actor=inspector, data={"title": "配电箱门缺失", "enterprise": enterprise}, before_photos=[photo(), photo("2.jpg")]
    )
    assert hazard.attachments.filter(kind=AttachmentKind.BEFORE).count() == 2
    assert all(a.thumbnail for a in hazard.attachments.all())


def test_a_png_with_transparency_is_accepted(hazard, inspector):
    buf = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 128)).save(buf, "PNG")
    attach(hazard, inspector, upload("截图.png", buf.getvalue(), "image/png"))
    attachment = Attachment.objects.get(hazard=hazard)
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    assert stored_image(attachment.thumbnail).size == (50, 40)


def test_a_photo_taken_sideways_is_stored_upright(hazard, inspector):
    # Orientation 6: the camera was turned 90°; viewers rotate the 64x48 picture to 48x64.
    attach(hazard, inspector, upload("sideways.jpg", jpeg_with_exif(64, 48, {ORIENTATION: 6})))
    attachment = Attachment.objects.get(hazard=hazard)
    stored = stored_image(attachment.file)
    assert stored.size == (48, 64)
    assert stored.getexif().get(ORIENTATION) in (None, 1)  # not rotated a second time by viewers
    assert stored_image(attachment.thumbnail).size == (48, 64)


def test_camera_metadata_is_removed_from_stored_photos(hazard, inspector):
    attach(hazard, inspector, upload("meta.jpg", jpeg_with_exif(64, 48, {MAKE: "Canon"})))
    stored = stored_image(Attachment.objects.get(hazard=hazard).file)
    assert MAKE not in stored.getexif()


def test_a_pdf_is_accepted_as_a_document(hazard, inspector):
    attach(hazard, inspector, upload("整改指令书.pdf", MINIMAL_PDF, "application/pdf"), kind=AttachmentKind.DOCUMENT)
    attachment = Attachment.objects.get(hazard=hazard)
    assert attachment.content_type == "application/pdf"
    assert not attachment.is_image
    assert not attachment.thumbnail
    assert attachment.file.name.endswith(".pdf")
    with attachment.file.open("rb") as f:
        assert f.read() == MINIMAL_PDF


def test_a_pdf_is_refused_as_a_photo(hazard, inspector):
    error = refused("file_type_not_allowed", hazard, inspector, upload("after.pdf", MINIMAL_PDF, "application/pdf"),
                    kind=AttachmentKind.AFTER)
    assert "PDF" not in error.message.split("允许：")[1].split("）")[0]


def test_a_pdf_renamed_to_jpg_is_refused_as_a_photo(hazard, inspector):
    refused("file_type_not_allowed", hazard, inspector, upload("photo.jpg", MINIMAL_PDF), kind=AttachmentKind.AFTER)


# --- refused -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "content",
    [b"<script>alert(document.cookie)</script>", b"#!/bin/sh\nrm -rf /\n",
     b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ids=["html", "shell", "svg"],
)
@pytest.mark.parametrize("kind", [AttachmentKind.BEFORE, AttachmentKind.DOCUMENT])
def test_a_script_named_photo_jpg_is_refused(hazard, inspector, content, kind):
    error = refused("file_type_not_allowed", hazard, inspector, upload("photo.jpg", content), kind=kind)
    assert "photo.jpg" in error.message
    assert error.field == "file"


def test_an_oversize_file_is_refused(hazard, inspector, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    big = jpeg_bytes(800, 600)
    assert len(big) > 2048
    refused("file_too_large", hazard, inspector, upload("big.jpg", big))


def test_an_oversize_file_is_refused_even_when_its_size_is_not_declared(hazard, inspector, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    f = upload("big.jpg", jpeg_bytes(800, 600))
    f.size = None  # a streamed upload: only reading tells
    refused("file_too_large", hazard, inspector, f)


def test_a_file_at_the_limit_is_accepted(hazard, inspector, settings):
    content = jpeg_bytes(40, 30)
    settings.UPLOAD_MAX_BYTES = len(content)
    attach(hazard, inspector, upload("ok.jpg", content))
    assert Attachment.objects.filter(hazard=hazard).count() == 1


def test_a_decompression_bomb_is_refused_without_being_decoded(hazard, inspector):
    bomb = png_claiming(20000, 20000)  # 400 million pixels
    assert len(bomb) < 1_000_000
    refused("image_too_large", hazard, inspector, upload("bomb.png", bomb, "image/png"))


def test_an_image_just_over_the_pixel_limit_is_refused(hazard, inspector):
    # 7,000 x 7,000 = 49 million pixels: above our 40 million, below Pillow's own hard limit.
    refused("image_too_large", hazard, inspector, upload("huge.png", png_claiming(7000, 7000), "image/png"))


def test_a_corrupted_photo_is_refused(hazard, inspector):
    broken = jpeg_bytes(64, 48)[:200]
    refused("image_unreadable", hazard, inspector, upload("broken.jpg", broken))


def test_an_empty_file_is_refused(hazard, inspector):
    refused("file_empty", hazard, inspector, upload("empty.jpg", b""))


def test_one_bad_file_refuses_the_whole_upload(hazard, inspector):
    refused("file_type_not_allowed", hazard, inspector, photo(), upload("photo2.jpg", b"not an image"))


@pytest.mark.parametrize(
    "name, shown",
    [("../../etc/passwd.jpg", "passwd.jpg"), ("..\\..\\windows\\win.ini.jpg", "win.ini.jpg"),
     ("/var/www/shell.php.jpg", "shell.php.jpg")],
)
def test_a_path_trick_in_the_file_name_is_stored_under_a_random_name_in_media_root(hazard, inspector, settings,
                                                                                   name, shown):
    attach(hazard, inspector, upload(name, jpeg_bytes()))
    attachment = Attachment.objects.get(hazard=hazard)
    assert attachment.original_name == shown
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for field in (attachment.file, attachment.thumbnail):
        stored = Path(field.path).resolve()
        assert stored.is_file()
        assert stored.is_relative_to(media_root)
        assert ".." not in field.name
        assert "passwd" not in field.name and "win.ini" not in field.name and "shell" not in field.name
    assert attachment.file.name.startswith("hazards/") and attachment.file.name.endswith(".jpg")
    files_on_disk = [p for p in media_root.rglob("*") if p.is_file()]
    assert len(files_on_disk) == 2  # the photo and its thumbnail, nothing anywhere else


def test_two_uploads_with_the_same_name_do_not_overwrite_each_other(hazard, inspector):
    attach(hazard, inspector, upload("photo.jpg", jpeg_bytes(colour=(255, 0, 0))),
           upload("photo.jpg", jpeg_bytes(colour=(0, 0, 255))))
    first, second = Attachment.objects.filter(hazard=hazard).order_by("id")
    assert first.file.name != second.file.name
    assert stored_image(first.file).getpixel((5, 5))[0] > 200
    assert stored_image(second.file).getpixel((5, 5))[2] > 200


# --- who may upload, and when -------------------------------------------------------------

def test_an_inspector_of_another_county_cannot_upload(hazard):
    with pytest.raises(Http404):
        attach(hazard, factories.inspector("430523"), photo())
    assert not Attachment.objects.filter(hazard=hazard).exists()


def test_nothing_can_be_added_to_a_signed_off_hazard(inspector):
    enterprise = EnterpriseFactory(region=factories.region("430522100"))
    hazard = services.hazard_create(
        actor=inspector, data={"title": "灭火器过期", "enterprise": enterprise}, rectified_on_spot=True,
        after_photos=[photo("after.jpg")],
    )
    assert hazard.status == HazardStatus.SIGNED_OFF
    with pytest.raises(DomainError) as excinfo:
        attach(hazard, inspector, photo())
    assert excinfo.value.code == "closed"
    assert Hazard.objects.get(pk=hazard.pk).attachments.count() == 1


def test_check_upload_decides_by_content_not_by_the_browsers_claim():
    checked = check_upload(upload("x.bin", jpeg_bytes(), "application/octet-stream"), images_only=True)
    assert checked.content_type == "image/jpeg"
    assert checked.extension == "jpg"
    assert checked.thumbnail
