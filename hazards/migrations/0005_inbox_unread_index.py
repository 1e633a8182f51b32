"""The bell (未读消息数) on every page counts a user's unread in-app deliveries. With a province's
history a supervisor has thousands of read messages, and the inbox index (recipient, created)
made that count read every one of them; this partial index holds only the unread ones.
PostgreSQL only, like 0004 (notices_delivery is the notices app's table; the index is here to
keep the scale work in one place)."""
import importlib

from django.db import migrations

# PostgreSQL-only statements, run the way 0004 runs its own.
_run = importlib.import_module("hazards.migrations.0004_scale_indexes")._run

FORWARD = ["CREATE INDEX IF NOT EXISTS delivery_unread_inbox ON notices_delivery (recipient_id) "
           "WHERE channel = 'inapp' AND read_at IS NULL"]
BACKWARD = ["DROP INDEX IF EXISTS delivery_unread_inbox"]


class Migration(migrations.Migration):
    dependencies = [("hazards", "0004_scale_indexes"), ("notices", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
