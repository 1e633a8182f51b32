"""File fields of the page forms (every app) and the uploads they keep across a refused submit.

`MultipleFileField` takes several files from one input. On a form bound with a user and a key
(`PendingUploadsMixin`), every file chosen is checked at once (a file that is no photo is an
error on its field, like any other) and kept server-side as a PendingUpload of that user and
form; the page shows it again as a thumbnail with a remove button and sends back its id, so the
corrected form is sent without choosing the file again. The field's value is the list of files
— new and kept alike — so the services receive files as before.
"""
from __future__ import annotations

import secrets
import uuid

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from hazardtrack.errors import DomainError

from .models import PENDING_UPLOAD_LIFETIME, PendingUpload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    template_name = "widgets/multiple_file.html"
    pending: list = []  # the PendingUploads shown with the input (set per bound form)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["pending"] = self.pending
        context["widget"]["pending_name"] = pending_name(name)
        return context

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and pending_name(name) not in data


def pending_name(name: str) -> str:
    """The name of the hidden inputs carrying the ids of a field's kept uploads."""
    return f"{name}__kept"


class MultipleFileField(forms.FileField):
    """Several files from one input; the content checks happen in the service (and, on a form
    that keeps uploads, already when the form is cleaned)."""

    def __init__(self, *args, images_only: bool | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        accept = self.widget.attrs.get("accept", "")
        self.images_only = images_only if images_only is not None else "pdf" not in accept

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def photo_field(label, *, camera: bool = True, **kwargs) -> MultipleFileField:
    """Photos, previewed before sending; `camera`: phones open the rear camera."""
    attrs = {"accept": "image/*", "data-preview": "1"}
    if camera:
        attrs["capture"] = "environment"
    return MultipleFileField(label=label, widget=MultipleFileInput(attrs=attrs), **kwargs)


def documents_field(label, **kwargs) -> MultipleFileField:
    """Documents: PDFs or photos (a scanned approval, a report)."""
    return MultipleFileField(label=label, widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}), **kwargs)


def _as_file(item: PendingUpload) -> SimpleUploadedFile:
    with item.file.open("rb") as handle:
        upload = SimpleUploadedFile(item.original_name, handle.read(), content_type=item.content_type)
    upload.pending_id = item.pk
    return upload


def keep_upload(*, owner, form_key: str, field: str, upload, images_only: bool) -> PendingUpload:
    """Check `upload` as the services do (a DomainError says what is wrong) and keep it."""
    from .upload_checks import check_upload  # the one upload check of the project

    checked = check_upload(upload, images_only=images_only)
    upload.seek(0)
    stem = secrets.token_hex(16)
    item = PendingUpload(owner=owner, form_key=form_key, field=field, original_name=checked.original_name,
                         content_type=checked.content_type, size=len(checked.content))
    item.file.save(f"{stem}.{checked.extension}", ContentFile(checked.content), save=False)
    if checked.thumbnail:
        item.thumbnail.save(f"{stem}.thumb.jpg", ContentFile(checked.thumbnail), save=False)
    item.save()
    return item


class PendingUploadsMixin:
    """For a form with MultipleFileFields: pass `uploader` (the user) and `upload_key` (the form
    and the object it acts on). Files chosen are kept for a refused submit; `uploads_used()`
    after the service succeeded drops them."""

    def __init__(self, *args, uploader=None, upload_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader if uploader is not None and uploader.is_authenticated else None
        self.upload_key = upload_key or f"{type(self).__module__}.{type(self).__qualname__}"
        self.kept_uploads: dict[str, list[PendingUpload]] = {}
        for _name, field in self._file_fields():
            field.widget.pending = []  # each form has its own copy of the fields and widgets

    def _file_fields(self):
        return [(n, f) for n, f in self.fields.items() if isinstance(f, MultipleFileField)]

    def _clean_fields(self):
        super()._clean_fields()
        if self.uploader is None or not self.is_bound:
            return
        for name, field in self._file_fields():
            sent = self.data.getlist(pending_name(self.add_prefix(name))) if hasattr(self.data, "getlist") else []
            kept = list(PendingUpload.objects.of(self.uploader, self.upload_key)
                        .filter(field=name, pk__in=_uuids(sent)).order_by("created_at"))
            new = [] if name in self._errors else list(self.cleaned_data.get(name) or [])
            for upload in new:
                try:
                    kept.append(keep_upload(owner=self.uploader, form_key=self.upload_key, field=name,
                                            upload=upload, images_only=field.images_only))
                except DomainError as error:
                    self.add_error(name, str(error.message))
            self.kept_uploads[name] = kept
            field.widget.pending = kept
            if name not in self._errors:
                self.cleaned_data[name] = [_as_file(item) for item in kept]

    def uploads_used(self) -> None:
        """The service took the files: the kept copies are no longer needed."""
        ids = [item.pk for items in self.kept_uploads.values() for item in items]
        if ids:
            for item in PendingUpload.objects.filter(pk__in=ids):
                _delete(item)


def _uuids(values) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return out


def _delete(item: PendingUpload) -> None:
    for field in (item.file, item.thumbnail):
        if field:
            field.delete(save=False)
    item.delete()


def purge_expired_uploads(*, now=None) -> int:
    """Remove the pending uploads older than a day (files and rows); returns how many."""
    cutoff = (now or timezone.now()) - PENDING_UPLOAD_LIFETIME
    expired = list(PendingUpload.objects.filter(created_at__lte=cutoff))
    with transaction.atomic():
        for item in expired:
            _delete(item)
    return len(expired)
