"""Indexes for the provincial scale (issue 9), PostgreSQL only; SQLite keeps the model's indexes.

- Region subtree filters compile to `region_id::text LIKE '4305%'`. A btree can serve a LIKE
  prefix only under the C collation or with a pattern operator class, so the ledger's
  composite index uses varchar_pattern_ops: region prefix, then status, then deadline.
- The nightly job's un-flag statement looks only at flagged hazards: a partial index on them.
- Free text on Chinese: words are not separated by spaces and most searches are two
  characters (消防, 叉车), which trigrams cannot index. `ht_bigrams(text)` is the set of every
  two-character substring; a GIN index over the bigrams of a hazard's code, original code,
  title and description answers "contains every bigram of the query", and the ILIKE that
  follows keeps the exact semantics (see hazards/search.py).
"""
from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION ht_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ht_hazard_bigrams(code text, original_code text, title text, description text)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ht_bigrams(upper(coalesce(code, '') || E'\\n' || coalesce(original_code, '') || E'\\n'
                                || coalesce(title, '') || E'\\n' || coalesce(description, '')))
    $$
    """,
    "CREATE INDEX hazard_search_bigrams ON hazards_hazard "
    "USING gin (ht_hazard_bigrams(code, original_code, title, description))",
    "CREATE INDEX hazard_region_prefix_status_deadline ON hazards_hazard "
    "(region_id varchar_pattern_ops, status, current_deadline, id)",
    "CREATE INDEX hazard_overdue_flagged ON hazards_hazard (overdue_since) WHERE overdue_since IS NOT NULL",
]
BACKWARD = [
    "DROP INDEX IF EXISTS hazard_overdue_flagged",
    "DROP INDEX IF EXISTS hazard_region_prefix_status_deadline",
    "DROP INDEX IF EXISTS hazard_search_bigrams",
    "DROP FUNCTION IF EXISTS ht_hazard_bigrams(text, text, text, text)",
    "DROP FUNCTION IF EXISTS ht_bigrams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_escalation_flags")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
