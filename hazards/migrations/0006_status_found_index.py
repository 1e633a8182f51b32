"""Ledger lists by status in the default order (newest first), e.g. a province's signed-off
hazards: the index gives the order, and deep pages skip their OFFSET over it index-only
(hazardtrack.pagination.BoundedPaginator.page). PostgreSQL only, like 0004."""
import importlib

from django.db import migrations

_run = importlib.import_module("hazards.migrations.0004_scale_indexes")._run

# region_id is included because every list carries the jurisdiction's `region_id LIKE '43%'`:
# without it the filter would need the heap and the scan would not be index-only.
FORWARD = ["CREATE INDEX IF NOT EXISTS hazard_status_found_desc ON hazards_hazard (status, found_at DESC, id DESC) "
           "INCLUDE (region_id)"]
BACKWARD = ["DROP INDEX IF EXISTS hazard_status_found_desc"]


class Migration(migrations.Migration):
    dependencies = [("hazards", "0005_inbox_unread_index")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
