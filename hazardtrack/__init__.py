"""The platform, the ground floor beneath the apps: it imports no app (tests/platform/test_layers.py).

Settings, the root URLs (apps wired in by name), the Celery app, health views; and plain modules
any app may import: errors (DomainError, require), dates (local_today, Period), preconditions
(If-Match), api (the error format), filters, pagination, input_guard, forms, events (apps register
their listeners in ready()), admin_site (ReadOnlyAdmin), uploads, upload_checks, pdf, demo_files."""
from .celery import app as celery_app

__all__ = ("celery_app",)
