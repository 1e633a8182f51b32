"""The Celery app. Tasks are thin wrappers around services (see each app's tasks.py); what an
app does when beat starts it connects itself, from its AppConfig.ready() (notices: the catch-up
of a missed night, notices/catchup.py) — the platform names no app."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hazardtrack.settings")

app = Celery("hazardtrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
