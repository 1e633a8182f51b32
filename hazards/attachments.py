"""Storing hazard attachments; the file itself is checked by hazardtrack.upload_checks."""
from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.utils import timezone

from hazardtrack.upload_checks import CheckedUpload


def store_attachment(*, hazard, event, kind: str, checked: CheckedUpload, actor):
    """Create the Attachment row with files under random names (call inside the transition's
    transaction)."""
    from .models import Attachment

    stem = f"hazards/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}"
    attachment = Attachment(
        hazard=hazard,
        event=event,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.content),
        uploaded_by=actor,
    )
    attachment.storage_name = f"{stem}.{checked.extension}"
    attachment.file.save(attachment.storage_name, ContentFile(checked.content), save=False)
    if checked.thumbnail:
        attachment.storage_name = f"{stem}.thumb.jpg"
        attachment.thumbnail.save(attachment.storage_name, ContentFile(checked.thumbnail), save=False)
    attachment.save()
    return attachment
