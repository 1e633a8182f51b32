"""Platform models shared by every app."""
from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A file chosen on a form that was refused is kept this long for the corrected submit.
PENDING_UPLOAD_LIFETIME = datetime.timedelta(days=1)


def pending_path(instance, filename):
    return f"pending/{timezone.localdate():%Y/%m}/{filename}"


class PendingUploadQuerySet(models.QuerySet):
    def live(self):
        return self.filter(created_at__gt=timezone.now() - PENDING_UPLOAD_LIFETIME)

    def of(self, user, form_key: str):
        """Only its owner's, only for the form it was chosen on."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.live().filter(owner=user, form_key=form_key)


class PendingUpload(models.Model):
    """A checked file of a form that was refused, kept server-side (issue 16) so the corrected form
    is sent without choosing the file again. Seen only by its owner; expires after a day
    (hazardtrack.uploads.purge_expired_uploads, run by the periodic task). The id is random."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(_("表单"), max_length=200)
    field = models.CharField(_("字段"), max_length=64)
    file = models.FileField(_("文件"), upload_to=pending_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=pending_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("待提交的上传文件")
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["owner", "form_key"], name="pending_owner_form")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
