"""The statistics rollup (supervision.HazardRollup) kept exact by PostgreSQL triggers.

Three statement-level triggers on hazards_hazard (INSERT, UPDATE, DELETE, each with its
transition table) add what the statement's new rows contribute and subtract what its old rows
did, grouped first, so a bulk insert of 100,000 rows (seed, Excel import) costs one upsert of
its few distinct keys, and an update that changes nothing the statistics read cancels out. A
TRUNCATE of the hazards empties the rollup. The triggers run inside the statement's own
transaction: no Python path (service, import, admin, raw SQL) can leave the rollup behind.

What a row contributes is defined in supervision/statistics.py (rollup_row_measures); the same
SQL builds the triggers, `rebuild()` and `verify()`. SQLite has no triggers here: its rollup
table stays empty and the statistics read the live aggregate (statistics.dashboard_figures).
"""
from __future__ import annotations

from django.conf import settings
from django.db import connections, transaction

from . import statistics as stats

TABLE = "supervision_hazardrollup"
KEY = ("grain", "day", "region", "sector", "source", "level")


def _columns() -> list[str]:
    return list(stats.rollup_row_measures(settings.TIME_ZONE))


def _grains_sql(source: str, *, with_changes: bool = True) -> str:
    """SELECT of the rollup rows (every grain) of the signed hazard rows `source` (a query
    yielding `sign` and the hazards_hazard columns), zero rows left out — but for the "t" rows
    and their `changes` when `with_changes` (what the triggers write; verify() compares counts)."""
    measures = stats.rollup_row_measures(settings.TIME_ZONE)
    columns = list(measures)
    per_day = ", ".join(f"sum(r.sign * {sql})::bigint AS {name}" for name, sql in measures.items())
    summed = ", ".join(f"sum({name})::bigint AS {name}" for name in columns)
    plain = ", ".join(columns)
    nonzero = " OR ".join(f"{name} <> 0" for name in columns)
    # A "t" row is written even when its counts cancel out: its `changes` counts the rows touched.
    n = stats.ROLLUP_MONTH_REGION_LENGTH
    return f"""
        WITH r AS ({source}),
        delta AS (
            SELECT (r.found_at AT TIME ZONE '{settings.TIME_ZONE}')::date AS day, r.region_id AS region,
                   r.sector_id AS sector, r.source, r.level, {per_day}, count(*)::bigint AS changes
            FROM r GROUP BY 1, 2, 3, 4, 5
        ),
        grains AS (
            SELECT 'd'::varchar AS grain, day, region, sector, source, level, {plain}, 0::bigint AS changes
            FROM delta
            UNION ALL
            SELECT 'm', date_trunc('month', day)::date, left(region, {n}), sector, source, level, {summed}, 0
            FROM delta GROUP BY 2, 3, 4, 5, 6
            UNION ALL
            SELECT 't', DATE '{stats.ROLLUP_ALL_TIME.isoformat()}', left(region, {n}), sector, source, level, {summed},
                   sum(changes)::bigint
            FROM delta GROUP BY 2, 3, 4, 5, 6
        )
        SELECT grain, day, region, sector, source, level, {plain}{', changes' if with_changes else ''}
        FROM grains WHERE {nonzero}{" OR grain = 't'" if with_changes else ''}
    """


def _apply_sql(source: str) -> str:
    columns = [*_columns(), "changes"]
    updates = ", ".join(f"{c} = {TABLE}.{c} + EXCLUDED.{c}" for c in columns)
    key = ", ".join(KEY)
    return (f"INSERT INTO {TABLE} ({key}, {', '.join(columns)}) "
            f"SELECT * FROM ({_grains_sql(source)}) g ORDER BY {key} "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def install_sql() -> list[str]:
    """The trigger functions and triggers (PostgreSQL)."""
    def literal(sql: str) -> str:
        return sql.replace("'", "''")

    new = literal(_apply_sql("SELECT 1 AS sign, * FROM rollup_new"))
    old = literal(_apply_sql("SELECT -1 AS sign, * FROM rollup_old"))
    both = literal(_apply_sql("SELECT 1 AS sign, * FROM rollup_new UNION ALL SELECT -1 AS sign, * FROM rollup_old"))
    return [
        f"""CREATE OR REPLACE FUNCTION supervision_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN EXECUTE '{new}';
            ELSIF TG_OP = 'DELETE' THEN EXECUTE '{old}';
            ELSE EXECUTE '{both}';
            END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION supervision_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$""",  # not TRUNCATE: a flush truncates both in one statement
        "DROP TRIGGER IF EXISTS supervision_rollup_insert ON hazards_hazard",
        "DROP TRIGGER IF EXISTS supervision_rollup_update ON hazards_hazard",
        "DROP TRIGGER IF EXISTS supervision_rollup_delete ON hazards_hazard",
        "DROP TRIGGER IF EXISTS supervision_rollup_truncate ON hazards_hazard",
        "CREATE TRIGGER supervision_rollup_insert AFTER INSERT ON hazards_hazard REFERENCING NEW TABLE AS rollup_new "
        "FOR EACH STATEMENT EXECUTE FUNCTION supervision_rollup_apply()",
        "CREATE TRIGGER supervision_rollup_update AFTER UPDATE ON hazards_hazard "
        "REFERENCING OLD TABLE AS rollup_old NEW TABLE AS rollup_new "
        "FOR EACH STATEMENT EXECUTE FUNCTION supervision_rollup_apply()",
        "CREATE TRIGGER supervision_rollup_delete AFTER DELETE ON hazards_hazard REFERENCING OLD TABLE AS rollup_old "
        "FOR EACH STATEMENT EXECUTE FUNCTION supervision_rollup_apply()",
        "CREATE TRIGGER supervision_rollup_truncate AFTER TRUNCATE ON hazards_hazard "
        "FOR EACH STATEMENT EXECUTE FUNCTION supervision_rollup_truncate()",
    ]


UNINSTALL_SQL = [
    "DROP TRIGGER IF EXISTS supervision_rollup_insert ON hazards_hazard",
    "DROP TRIGGER IF EXISTS supervision_rollup_update ON hazards_hazard",
    "DROP TRIGGER IF EXISTS supervision_rollup_delete ON hazards_hazard",
    "DROP TRIGGER IF EXISTS supervision_rollup_truncate ON hazards_hazard",
    "DROP FUNCTION IF EXISTS supervision_rollup_apply()",
    "DROP FUNCTION IF EXISTS supervision_rollup_truncate()",
]

LIVE = "SELECT 1 AS sign, * FROM hazards_hazard"


def install(using: str = "default", *, fill: bool = True) -> bool:
    """Create the triggers (and fill the rollup); False (nothing done) on SQLite."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in install_sql():
            cursor.execute(statement)
    if fill:
        rebuild(using)
    return True


def rebuild(using: str = "default") -> int:
    """Recompute the whole rollup from the hazards (the hazards locked against writes meanwhile);
    returns the number of rollup rows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE hazards_hazard IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(_apply_sql(LIVE))
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        count = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    return count


def verify(using: str = "default", limit: int = 20) -> list[tuple]:
    """The rollup rows that differ from the live aggregate (empty when exact): each as
    ("missing"|"extra", key and counts)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    columns = ", ".join((*KEY, *_columns()))
    stored = f"SELECT {columns} FROM {TABLE} WHERE " + " OR ".join(f"{c} <> 0" for c in _columns())
    live = f"SELECT {columns} FROM ({_grains_sql(LIVE, with_changes=False)}) g"
    outer = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if not outer:  # one snapshot for both sides (inside a transaction, its own)
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(f"(SELECT 'missing', * FROM ({live} EXCEPT ALL {stored}) a LIMIT {int(limit)}) "
                       f"UNION ALL (SELECT 'extra', * FROM ({stored} EXCEPT ALL {live}) b LIMIT {int(limit)})")
        return cursor.fetchall()
