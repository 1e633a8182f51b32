"""The demo data's Excel import: a ledger of ten historical hazards and one refused row, once."""
from __future__ import annotations

import pytest

from hazards.models import Hazard
from spreadsheets.demo import seed_imports
from spreadsheets.models import ImportJob
from tests.factories import EnterpriseFactory, region, supervisor

pytestmark = pytest.mark.django_db


def test_the_demo_import_runs_once_and_keeps_its_refused_row(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    supervisor("430522", username="supervisor")
    EnterpriseFactory.create_batch(2, region=region("430522100"))

    assert seed_imports() == 10
    assert seed_imports() == 0

    job = ImportJob.objects.get()
    assert (job.status, job.imported_rows, job.error_rows) == ("done", 10, 1)
    assert Hazard.objects.filter(status="signed_off", original_code__startswith="XS-2025-").count() == 3
