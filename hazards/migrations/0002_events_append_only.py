"""The audit trail is append-only at the database level (PostgreSQL): UPDATE and DELETE on
hazard events are refused by a trigger, whoever connects. Seed scripts that must backdate demo
events set `SET LOCAL hazardtrack.allow_event_rewrite = 'on'` inside their transaction."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION hazardtrack_refuse_event_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('hazardtrack.allow_event_rewrite', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'hazard events are append-only: ' || TG_OP || ' refused', ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS hazard_event_append_only ON hazards_hazardevent;
CREATE TRIGGER hazard_event_append_only BEFORE UPDATE OR DELETE ON hazards_hazardevent
    FOR EACH ROW EXECUTE FUNCTION hazardtrack_refuse_event_change();
"""
DROP = """
DROP TRIGGER IF EXISTS hazard_event_append_only ON hazards_hazardevent;
DROP FUNCTION IF EXISTS hazardtrack_refuse_event_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
