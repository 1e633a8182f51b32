"""The project package: settings, URLs, the Celery app, the home and health views; and the
platform beneath the apps, plain modules any app may import and that import nothing above
accounts/: errors (DomainError, require), dates (local_today, Period), preconditions (If-Match),
filters, pagination, input_guard, events, admin_site (ReadOnlyAdmin), pdf, demo_files."""
from .celery import app as celery_app

__all__ = ("celery_app",)
