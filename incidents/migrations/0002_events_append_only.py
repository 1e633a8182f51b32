"""The incident timeline is append-only at the database level (PostgreSQL), like the hazards':
UPDATE and DELETE on incident events are refused by a trigger, whoever connects. Seed scripts
that must backdate demo events set `SET LOCAL hazardtrack.allow_event_rewrite = 'on'`."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION incidents_refuse_event_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('hazardtrack.allow_event_rewrite', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'incident events are append-only: ' || TG_OP || ' refused', ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS incident_event_append_only ON incidents_incidentevent;
CREATE TRIGGER incident_event_append_only BEFORE UPDATE OR DELETE ON incidents_incidentevent
    FOR EACH ROW EXECUTE FUNCTION incidents_refuse_event_change();
"""
DROP = """
DROP TRIGGER IF EXISTS incident_event_append_only ON incidents_incidentevent;
DROP FUNCTION IF EXISTS incidents_refuse_event_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
