"""Project-wide test setup.

Markers that need a service (see pytest.ini): outside CI a test marked `postgres`, `redis` or
`browser` is skipped when the service is not configured here; with CI=true it is never skipped:
a missing service makes the test fail, so CI cannot go green by running less.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent / "browser"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _missing_service(marker: str) -> str | None:
    """Why a test with this marker cannot run here, or None when it can."""
    if marker == "postgres":
        from django.conf import settings

        if not settings.DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    elif marker == "redis":
        if not os.environ.get("REDIS_URL"):
            return "needs Redis: set REDIS_URL=redis://..."
    elif marker == "browser":
        if not CHROMIUM.exists():
            return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        try:
            importlib.import_module("playwright.sync_api")
        except ImportError:
            return "needs the playwright package (requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    ci = in_ci()
    for item in items:
        # Everything under tests/browser/ drives Chromium, marked or not.
        if BROWSER_DIR in Path(str(item.path)).parents and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
        if ci:
            continue
        for marker in ("postgres", "redis", "browser"):
            if item.get_closest_marker(marker):
                reason = _missing_service(marker)
                if reason:
                    item.add_marker(pytest.mark.skip(reason=f"{reason} (runs under CI=true)"))
                    break


def pytest_runtest_setup(item):
    if not in_ci():
        return
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker):
            reason = _missing_service(marker)
            if reason:
                pytest.fail(f"CI=true and this test {reason}", pytrace=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language (zh-hans). A test client's request leaves its
    language active in the thread afterwards; without this a test calling a validator directly
    would read English after any English request (tests/accounts/test_credit_code.py after
    tests/test_i18n.py)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- reference data from data migrations ---------------------------------------------------
# Transactional tests (live_server, transactional_db, django_db(transaction=True)) end with a
# flush that empties every table, data-migration rows included; so does a --reuse-db run after
# one. Tests that use the database get those rows back here before they start.

_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def load_reference_data() -> None:
    """Re-run the data migrations' loaders (idempotent: get_or_create on the natural code)."""
    from django.apps import apps

    from accounts.models import Sector
    from accounts.sectors import SECTORS

    codes = [code for code, _ in SECTORS]
    if Sector.objects.filter(code__in=codes).count() != len(codes):
        importlib.import_module("accounts.migrations.0002_sectors").load_sectors(apps, None)
    from inspections import checklists

    if not checklists.loaded():  # shipped checklists and inspection frequencies
        checklists.load(apps)
    from workdays.models import CalendarDay, CalendarYear
    from workdays.services import load_shipped_notices

    if not (CalendarYear.objects.exists() and CalendarDay.objects.exists()):  # the statutory calendar
        load_shipped_notices()


@pytest.fixture(autouse=True)
def _reference_data(request):
    from django.test import TestCase

    if isinstance(request.instance, TestCase):
        return  # unittest-style classes manage their own database
    if not (request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)):
        return
    request.getfixturevalue("db")  # the same database access the test asked for
    load_reference_data()
