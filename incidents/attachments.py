"""Incident photos and documents: the checks are hazardtrack.upload_checks.check_upload (type by
content, images re-encoded without metadata, thumbnails); only the storage row is ours."""
from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.utils import timezone

from hazardtrack.upload_checks import CheckedUpload, check_upload

from .choices import IncidentAttachmentKind

__all__ = ["check_uploads", "store_attachment"]


def check_uploads(files, *, kind: str) -> list[tuple[str, CheckedUpload]]:
    """Check every file before anything is written; photos must be images, documents and the
    approved report may also be PDF."""
    return [(kind, check_upload(f, images_only=kind == IncidentAttachmentKind.PHOTO)) for f in (files or [])]


def store_attachment(*, incident, event, kind: str, checked: CheckedUpload, actor):
    from .models import IncidentAttachment

    stem = f"incidents/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}"
    attachment = IncidentAttachment(
        incident=incident, event=event, kind=kind, original_name=checked.original_name,
        content_type=checked.content_type, size=len(checked.content), uploaded_by=actor,
    )
    attachment.storage_name = f"{stem}.{checked.extension}"
    attachment.file.save(attachment.storage_name, ContentFile(checked.content), save=False)
    if checked.thumbnail:
        attachment.storage_name = f"{stem}.thumb.jpg"
        attachment.thumbnail.save(attachment.storage_name, ContentFile(checked.thumbnail), save=False)
    attachment.save()
    return attachment
