"""Checking an upload, for every app that takes files (hazards, tip-offs, incidents, pending uploads).

The type is decided by the file's content, never its name or the browser's claim. Images are
decoded (which also catches decompression bombs), turned upright by their EXIF orientation,
re-encoded without their metadata and given a thumbnail. Names on disk are random.
"""
from __future__ import annotations

import io
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _, pgettext
from PIL import Image, ImageOps

from hazardtrack.errors import DomainError

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
MAX_PIXELS = 40_000_000  # ~ a 7,700 x 5,200 photo; anything larger is refused, not decoded
THUMBNAIL_SIZE = (320, 320)
NAME_LIMIT = 200  # Attachment.original_name's max_length


@dataclass
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    original_name: str
    thumbnail: bytes | None


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, status=400, field="file")


def clean_file_name(raw: str | None, *, limit: int = NAME_LIMIT) -> str:
    """The name to show and offer for download: its last path part, without control characters
    (a NUL byte cannot be stored, a newline would break the download header), at most `limit`
    characters with the extension kept. Never used on disk (names there are random)."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 16:
            name = f"{stem[: limit - len(ext) - 1].rstrip()}.{ext}"
        else:
            name = name[:limit]
    return name or "file"


def check_upload(upload, *, images_only: bool = False) -> CheckedUpload:
    """Validate one uploaded file; raise DomainError (400) saying what is wrong with it."""
    name = clean_file_name(getattr(upload, "name", ""))
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(
            "file_too_large",
            _("文件“%(name)s”过大（%(size).1f MB），上限为 %(limit)d MB。")
            % {"name": name, "size": upload.size / 1048576, "limit": limit // 1048576},
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse("file_too_large", _("文件“%(name)s”超过 %(limit)d MB 上限。") % {"name": name, "limit": limit // 1048576})
    if not content:
        raise _refuse("file_empty", _("文件“%(name)s”是空文件。") % {"name": name})
    kind = filetype.guess(content)
    mime = kind.mime if kind else None
    allowed = IMAGE_TYPES if images_only else {**IMAGE_TYPES, **DOCUMENT_TYPES}
    if mime not in allowed:
        raise _refuse(
            "file_type_not_allowed",
            _("文件“%(name)s”的实际内容不是允许的类型（允许：%(allowed)s），请上传真实的照片%(docs)s。")
            % {
                "name": name,
                "allowed": pgettext("list separator", "、").join(ext.upper() for ext in allowed.values()),
                "docs": "" if images_only else _("或PDF文件"),
            },
        )
    thumbnail = None
    if mime in IMAGE_TYPES:
        content, thumbnail = _normalise_image(content, mime, name)
    return CheckedUpload(content, mime, allowed[mime], name, thumbnail)


def _normalise_image(content: bytes, mime: str, name: str) -> tuple[bytes, bytes]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            image = Image.open(io.BytesIO(content))
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("image_too_large", _("图片“%(name)s”像素过多，请压缩后再上传。") % {"name": name})
    except Exception:
        raise _refuse("image_unreadable", _("图片“%(name)s”已损坏或无法识别。") % {"name": name})
    image = ImageOps.exif_transpose(image)  # upright, as the camera held it
    fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[mime]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, quality=88) if fmt != "PNG" else image.save(out, fmt)  # metadata dropped
    thumb = image.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return out.getvalue(), thumb_out.getvalue()
