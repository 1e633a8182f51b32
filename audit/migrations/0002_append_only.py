"""The security audit log is append-only at the database level (PostgreSQL), like the hazard
events (hazards/migrations/0002): UPDATE and DELETE are refused by a trigger, whoever connects.
TRUNCATE (a test database's flush) is a statement, not a row change, and is not affected."""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'the audit log is append-only: ' || TG_OP || ' refused', ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_auditlog;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_log_change();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_auditlog;
DROP FUNCTION IF EXISTS audit_refuse_log_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
