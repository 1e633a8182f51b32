"""The supervision statistics (supervision/statistics.py) aggregate every hazard found in a period:
a province's year is ~260,000 rows. With every column the aggregates read in the index, the
scan is index-only (~20 MB instead of ~240 MB of heap pages), and parallel workers can split it.
Measured at 1,000,000 hazards in docs/scaling.md. PostgreSQL only, like 0004."""
import importlib

from django.db import migrations

_run = importlib.import_module("hazards.migrations.0004_scale_indexes")._run

FORWARD = [
    "CREATE INDEX IF NOT EXISTS hazard_statistics_found ON hazards_hazard (found_at) INCLUDE "
    "(id, region_id, sector_id, source, level, status, current_deadline, original_deadline, signed_off_at, "
    "listing_level)"
]
BACKWARD = ["DROP INDEX IF EXISTS hazard_statistics_found"]


class Migration(migrations.Migration):
    dependencies = [("hazards", "0008_resume_review")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
