"""The tip-off audit trail is append-only at the database level (PostgreSQL), like the hazard
events: UPDATE and DELETE are refused by a trigger using the function from hazards 0002."""
from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS tipoff_event_append_only ON tipoffs_tipoffevent;
CREATE TRIGGER tipoff_event_append_only BEFORE UPDATE OR DELETE ON tipoffs_tipoffevent
    FOR EACH ROW EXECUTE FUNCTION hazardtrack_refuse_event_change();
"""
DROP = "DROP TRIGGER IF EXISTS tipoff_event_append_only ON tipoffs_tipoffevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tipoffs", "0001_initial"), ("hazards", "0002_events_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
