"""The incident timeline is append-only at the database level (PostgreSQL), like the hazards':
UPDATE and DELETE on incident events are refused by a trigger, whoever connects. The trigger
function is the hazards' (hazards migration 0002); seed scripts that must backdate demo events
set `SET LOCAL hazardtrack.allow_event_rewrite = 'on'` inside their transaction."""
from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS incident_event_append_only ON incidents_incidentevent;
CREATE TRIGGER incident_event_append_only BEFORE UPDATE OR DELETE ON incidents_incidentevent
    FOR EACH ROW EXECUTE FUNCTION hazardtrack_refuse_event_change();
"""
DROP = "DROP TRIGGER IF EXISTS incident_event_append_only ON incidents_incidentevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial"), ("hazards", "0002_events_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
