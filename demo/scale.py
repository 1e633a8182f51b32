"""Load the provincial data set (`manage.py seed_scale`) into PostgreSQL.

Python generates the rows that need choices (accounts_enterprise, accounts_user,
hazards_hazard, hazards_extensionrequest) and streams them with COPY; everything that follows
from a hazard's own columns (its audit events, plans, overdue flags, notices and deliveries,
the nightly run records, the code counters) is derived in SQL afterwards. The rows load in
one transaction: a failed load leaves the database as it was.

At 100,000 hazards and more, the secondary indexes of the loaded tables are dropped first and
rebuilt after the commit, the GIN search index on a connection of its own beside the others
(faster than maintaining them row by row); foreign-key triggers are skipped
(`session_replication_role = replica`) and one anti-join per reference checks the result
instead. The small sizes the tests load run with every index and trigger in place. Should an
index build fail after the commit, the error names the missing indexes.
"""
from __future__ import annotations

import datetime
import threading
import time
from typing import Callable, Iterable, Iterator

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from hazards.models import Hazard

from accounts.models import Department, Region
from accounts.region_data import CITIES, COUNTIES
from .scale_data import (
    DEPARTMENTS,
    EXTENSION_COLUMNS,
    HAZARD_COLUMNS,
    PASSWORD,
    Config,
    HazardOutput,
    World,
    enterprise_rows,
    hazard_rows,
    region_rows,
    user_rows,
)

Log = Callable[[str], None]
FAST_FROM = 100_000  # hazards: from this size on, drop and rebuild indexes, skip FK triggers
LOADED_TABLES = ("accounts_enterprise", "accounts_user", "hazards_hazard", "hazards_hazardevent",
                 "hazards_extensionrequest", "hazards_rectificationplan", "notices_notice", "notices_delivery")
ENTERPRISE_COLUMNS = ("id", "name", "credit_code", "region_id", "sector_id", "risk_colour", "address", "latitude",
                      "longitude", "contact_name", "contact_phone", "created_at")
USER_COLUMNS = ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
                "is_staff", "is_active", "date_joined", "role", "full_name", "phone", "region_id", "department_id",
                "enterprise_id")


class SeedError(Exception):
    pass


class _LineReader:
    """A file-like object over an iterator of lines, for psycopg2's copy_expert."""

    def __init__(self, lines: Iterable[str]):
        self._lines: Iterator[str] = iter(lines)
        self._rest = ""
        self.rows = 0

    def read(self, size: int = -1) -> str:
        parts, n = [self._rest], len(self._rest)
        while size < 0 or n < size:
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            n += len(line)
            self.rows += 1
        data = "".join(parts)
        if size < 0:
            self._rest = ""
            return data
        self._rest = data[size:]
        return data[:size]

    readline = read


def _copy(cursor, table: str, columns: Iterable[str], lines: Iterable[str]) -> int:
    reader = _LineReader(lines)
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", reader, size=1 << 20)
    return reader.rows


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def seed_scale(cfg: Config, log: Log = print) -> dict:
    """Load the data set described by `cfg`; returns counts and timings."""
    if connection.vendor != "postgresql":
        raise SeedError("seed_scale 需要 PostgreSQL（DATABASE_URL=postgres://…）。")
    if Hazard.objects.exists():
        raise SeedError("数据库中已有隐患数据：seed_scale 只向空的隐患台账装载数据（请使用新建的数据库）。")
    fast = cfg.hazards >= FAST_FROM
    timings: dict[str, float] = {}
    started = time.monotonic()

    def step(name: str, t0: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - t0, 1)
        log(f"  {name}: {timings[name]} s")
        return now

    world = World()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        t = time.monotonic()
        _seed_regions(cfg, world)
        _seed_departments(world)
        t = step("regions+departments", t)
        dropped = _drop_indexes(cursor) if fast else []
        if fast:
            cursor.execute("SET LOCAL session_replication_role = replica")
        first_enterprise = _next_id(cursor, "accounts_enterprise")
        n_ent = _copy(cursor, "accounts_enterprise", ENTERPRISE_COLUMNS,
                      enterprise_rows(cfg, world, first_enterprise, world.townships))
        t = step(f"enterprises ({n_ent})", t)
        n_users = _copy(cursor, "accounts_user", USER_COLUMNS,
                        user_rows(cfg, world, _next_id(cursor, "accounts_user"), make_password(PASSWORD)))
        t = step(f"users ({n_users})", t)
        out = HazardOutput()
        first_hazard = _next_id(cursor, "hazards_hazard")
        n_haz = _copy(cursor, "hazards_hazard", HAZARD_COLUMNS, hazard_rows(cfg, world, first_hazard, out))
        t = step(f"hazards ({n_haz})", t)
        _copy(cursor, "hazards_extensionrequest", EXTENSION_COLUMNS, out.extensions)
        t = step(f"extension requests ({len(out.extensions)})", t)
        params = {"as_of": cfg.as_of, "first": first_hazard, "k": cfg.newly_overdue, "seed": str(cfg.seed)}
        cursor.execute(_COHORT_SQL, params)
        cursor.execute("SELECT count(*) FROM hazards_hazard WHERE id >= %(first)s AND status IN " + _RUNNING
                       + " AND current_deadline = %(as_of)s::date - 1", params)
        cohort = cursor.fetchone()[0]
        cursor.execute(_FLAG_SQL, params)
        t = step(f"newly overdue tomorrow ({cohort}), overdue flags", t)
        cursor.execute(_EVENTS_SQL, params)
        n_events = cursor.rowcount
        t = step(f"audit events ({n_events})", t)
        cursor.execute(_PLANS_SQL, params)
        cursor.execute(_NOTICES_SQL, params)
        n_notices = cursor.rowcount
        cursor.execute(_DELIVERIES_SQL, params)
        n_deliveries = cursor.rowcount
        cursor.execute(_RUNS_SQL, params)
        _bump_sequences(cursor, out)
        t = step(f"plans, notices ({n_notices}), deliveries ({n_deliveries}), runs, counters", t)
        if fast:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            _check_references(cursor, first_hazard)
            t = step("reference checks", t)
    # The data is committed; the indexes are rebuilt outside its transaction so that the GIN
    # index (the longest build by far) runs beside the others, on its own connection.
    _rebuild_indexes(dropped, timings)
    t = step(f"rebuilt {len(dropped)} indexes, vacuum analyze", t)
    counts = dict(out.counts, hazards=n_haz, enterprises=n_ent, users=n_users, events=n_events,
                  notices=n_notices, deliveries=n_deliveries, newly_overdue=cohort,
                  extensions=len(out.extensions))
    return {"counts": counts, "timings": timings, "seconds": round(time.monotonic() - started, 1),
            "as_of": cfg.as_of.isoformat()}


# --- reference rows --------------------------------------------------------------------------

def _seed_regions(cfg: Config, world: World) -> None:
    rows = region_rows(cfg)
    Region.objects.bulk_create(
        [Region(code=c, name=n, parent_id=p, level=lvl) for c, n, p, lvl in rows], ignore_conflicts=True,
        batch_size=2000,
    )
    for code, _name, parent, level in rows:
        if level == "township":
            world.townships.setdefault(parent, []).append(code)
    names = dict(CITIES)
    for code, name in COUNTIES:
        world.county_names[code] = (names[code[:4]] if name.endswith("区") else "") + name


def _seed_departments(world: World) -> None:
    regions = [c for c, _ in COUNTIES] + [c for c, _ in CITIES]
    Department.objects.bulk_create(
        [Department(region_id=r, name=n) for r in regions for n in DEPARTMENTS], ignore_conflicts=True
    )
    for pk, region_id in Department.objects.filter(region_id__in=regions).values_list("pk", "region_id"):
        world.departments.setdefault(region_id, []).append(pk)
    for ids in world.departments.values():
        ids.sort()


# --- indexes and checks --------------------------------------------------------------------

def _rebuild_indexes(dropped: list[tuple[str, str]], timings: dict) -> None:
    """CREATE the dropped indexes: GIN ones on a second connection, the rest (then VACUUM
    ANALYZE of the loaded tables) on this one. A failure names the indexes still missing."""
    gin = [(n, sql) for n, sql in dropped if " USING gin " in sql]
    rest = [(n, sql) for n, sql in dropped if " USING gin " not in sql]
    errors: list[BaseException] = []

    def build(items, vacuum: tuple[str, ...] = ()):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                for name, sql in items:
                    t0 = time.monotonic()
                    cursor.execute(sql)
                    timings[f"index {name}"] = round(time.monotonic() - t0, 1)
                for table in vacuum:
                    t0 = time.monotonic()
                    # Inside a transaction (a test) VACUUM is not allowed; statistics still are.
                    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                    cursor.execute(f"{verb} {table}")
                    timings[f"vacuum {table}"] = round(time.monotonic() - t0, 1)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    # VACUUM of hazards waits for the GIN build's lock anyway: it runs after the join.
    others = tuple(t for t in LOADED_TABLES if t != "hazards_hazard")
    worker = threading.Thread(target=build, args=(gin,), name="seed_scale-gin")
    worker.start()
    build(rest, others)
    worker.join()
    build([], ("hazards_hazard",))
    if errors:
        missing = [n for n, _ in dropped if f"index {n}" not in timings]
        raise SeedError(f"索引重建失败（{errors[0]}）；缺少的索引：{', '.join(missing)}")


def _drop_indexes(cursor) -> list[tuple[str, str]]:
    """Drop the loaded tables' indexes that no constraint owns; return how to rebuild them."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        ORDER BY t.relname, i.relname
        """,
        [list(LOADED_TABLES)],
    )
    dropped = cursor.fetchall()
    for name, _sql in dropped:
        cursor.execute(f'DROP INDEX "{name}"')
    return dropped


# Every foreign key the generator writes, checked with one anti-join each (FK triggers were off).
_REFERENCES = (
    ("hazards_hazard", "enterprise_id", "accounts_enterprise"), ("hazards_hazard", "region_id", "accounts_region"),
    ("hazards_hazard", "found_by_id", "accounts_user"), ("hazards_hazard", "assigned_inspector_id", "accounts_user"),
    ("hazards_hazard", "confirmed_by_id", "accounts_user"), ("hazards_hazard", "signed_off_by_id", "accounts_user"),
    ("hazards_hazard", "rectification_reported_by_id", "accounts_user"),
    ("hazards_hazard", "verified_by_id", "accounts_user"), ("hazards_hazard", "source_department_id",
                                                            "accounts_department"),
    ("accounts_enterprise", "region_id", "accounts_region"), ("accounts_user", "enterprise_id", "accounts_enterprise"),
    ("accounts_user", "region_id", "accounts_region"),
)


def _check_references(cursor, first_hazard: int) -> None:
    for table, column, target in _REFERENCES:
        key = "code" if target == "accounts_region" else "id"
        cursor.execute(
            f"SELECT count(*) FROM {table} s WHERE s.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{key} = s.{column})"
        )
        missing = cursor.fetchone()[0]
        if missing:
            raise SeedError(f"{table}.{column}: {missing} rows point to no {target}")


def _bump_sequences(cursor, out: HazardOutput) -> None:
    """Hazard code counters continue after the loaded codes; id sequences after the loaded ids."""
    values = [(county, year, last) for (county, year), last in sorted(out.sequences.items())]
    if values:
        cursor.executemany(
            "INSERT INTO hazards_hazardcodesequence (county_code, year, last) VALUES (%s, %s, %s) "
            "ON CONFLICT (county_code, year) DO UPDATE SET last = GREATEST(hazards_hazardcodesequence.last, EXCLUDED.last)",
            values,
        )
    for table in ("accounts_enterprise", "accounts_user", "hazards_hazard"):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


# --- derived rows, in SQL ------------------------------------------------------------------
# %(as_of)s is the night the benchmark runs the escalation job for; the data stands as after the
# run of the night before (Y = as_of - 1). Times are Asia/Shanghai.

_RUNNING = "('assigned', 'rectifying')"
_L2 = "(CASE WHEN h.level = 'major' THEN 3 ELSE 7 END)"
_L3 = "(CASE WHEN h.level = 'major' THEN 7 ELSE 15 END)"
_REMIND = "(CASE WHEN h.level = 'major' THEN 7 ELSE 3 END)"

# Running hazards, assigned at least two days before, without an extension request, get
# yesterday as their deadline until exactly k (those already due yesterday included) are:
# tonight's run finds them newly overdue.
_COHORT_SQL = f"""
WITH pick AS (
    SELECT h.id FROM hazards_hazard h
    WHERE h.id >= %(first)s AND h.status IN {_RUNNING} AND h.current_deadline <> %(as_of)s::date - 1
      AND h.assigned_at < (%(as_of)s::date - 2)::timestamp AT TIME ZONE 'Asia/Shanghai'
      AND NOT EXISTS (SELECT 1 FROM hazards_extensionrequest e WHERE e.hazard_id = h.id)
    ORDER BY md5(h.id::text || %(seed)s)
    LIMIT GREATEST(0, %(k)s - (SELECT count(*) FROM hazards_hazard d WHERE d.id >= %(first)s
                                AND d.status IN {_RUNNING} AND d.current_deadline = %(as_of)s::date - 1))
)
UPDATE hazards_hazard h SET original_deadline = %(as_of)s::date - 1, current_deadline = %(as_of)s::date - 1
FROM pick WHERE h.id = pick.id
"""

_FLAG_SQL = f"""
UPDATE hazards_hazard h SET overdue_since = h.current_deadline + 1,
    circular_queued_on = CASE WHEN (%(as_of)s::date - 1) - h.current_deadline >= {_L3}
                              THEN h.current_deadline + {_L3} END
WHERE h.id >= %(first)s AND h.status IN {_RUNNING} AND h.current_deadline < %(as_of)s::date - 1
"""

_LOCAL = "AT TIME ZONE 'Asia/Shanghai'"
_EVENTS_SQL = f"""
INSERT INTO hazards_hazardevent (hazard_id, action, actor_id, at, from_status, to_status, comment, changes)
SELECT id, 'created', found_by_id, found_at, '', 'reported', '', '{{}}'::jsonb
FROM hazards_hazard WHERE id >= %(first)s
UNION ALL
SELECT id, 'rectified_on_spot', found_by_id, signed_off_at, 'reported', 'signed_off', rectification_report, '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND rectified_on_spot
UNION ALL
SELECT id, 'rejected', confirmed_by_id, confirmed_at, 'reported', 'rejected', rejection_reason, '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND status = 'rejected'
UNION ALL
SELECT id, 'confirmed', confirmed_by_id, confirmed_at, 'reported', 'confirmed', '', '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND confirmed_at IS NOT NULL AND status <> 'rejected'
UNION ALL
SELECT id, 'listed', confirmed_by_id, (listing_date + time '10:00') {_LOCAL}, 'confirmed', 'confirmed', listing_doc_no,
       jsonb_build_object('listing_level', jsonb_build_array('', listing_level))
FROM hazards_hazard WHERE id >= %(first)s AND listing_level <> ''
UNION ALL
SELECT id, 'assigned', assigned_by_id, assigned_at, 'confirmed',
       CASE WHEN level = 'major' THEN 'assigned' ELSE 'rectifying' END, measures,
       jsonb_build_object('current_deadline', jsonb_build_array(NULL, original_deadline))
FROM hazards_hazard WHERE id >= %(first)s AND assigned_at IS NOT NULL AND NOT rectified_on_spot
UNION ALL
SELECT id, 'plan_submitted', assigned_inspector_id, assigned_at + interval '2 days', 'assigned', 'rectifying', '', '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND level = 'major' AND assigned_at IS NOT NULL AND status <> 'assigned'
UNION ALL
SELECT e.hazard_id, 'extension_requested', e.requested_by_id, e.requested_at, 'rectifying', 'rectifying', e.reason,
       jsonb_build_object('requested_deadline', e.requested_deadline)
FROM hazards_extensionrequest e WHERE e.hazard_id >= %(first)s
UNION ALL
SELECT e.hazard_id, CASE WHEN e.status = 'approved' THEN 'extension_approved' ELSE 'extension_refused' END,
       e.decided_by_id, e.decided_at, 'rectifying', 'rectifying', e.decision_comment,
       CASE WHEN e.status = 'approved'
            THEN jsonb_build_object('current_deadline', jsonb_build_array(e.previous_deadline, e.approved_deadline))
            ELSE '{{}}' END
FROM hazards_extensionrequest e WHERE e.hazard_id >= %(first)s AND e.status <> 'pending'
UNION ALL
SELECT id, 'rectification_reported', rectification_reported_by_id, rectification_reported_at, 'rectifying',
       'rectification_reported', rectification_report, '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND rectification_reported_at IS NOT NULL AND NOT rectified_on_spot
UNION ALL
SELECT id, 'verified', verified_by_id, verified_at, 'rectification_reported', 'verified', verification_comment, '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND verified_at IS NOT NULL AND NOT rectified_on_spot
UNION ALL
SELECT id, 'signed_off', signed_off_by_id, signed_off_at, 'verified', 'signed_off', '', '{{}}'
FROM hazards_hazard WHERE id >= %(first)s AND signed_off_at IS NOT NULL AND NOT rectified_on_spot
"""

_PLANS_SQL = """
INSERT INTO hazards_rectificationplan (hazard_id, goals_and_tasks, methods_and_measures, funds_and_materials,
                                       people_in_charge, time_limits, safety_and_emergency, submitted_by_id, submitted_at)
SELECT id, '彻底消除' || title || '，杜绝同类隐患。', measures, '企业自筹整改资金，物资已落实。',
       responsible_unit || '主要负责人牵头，' || responsible_person || '具体负责。',
       '于' || to_char(original_deadline, 'YYYY-MM-DD') || '前完成整改。', '整改期间落实监护措施，制定专项应急预案。',
       assigned_inspector_id, assigned_at + interval '2 days'
FROM hazards_hazard WHERE id >= %(first)s AND level = 'major' AND assigned_at IS NOT NULL AND status <> 'assigned'
"""

# The rungs each hazard's ladder reached while its deadline ran: up to last night for running
# hazards, up to the day of the rectification report for the others (default ladder).
_NOTICES_SQL = f"""
INSERT INTO notices_notice (hazard_id, kind, level, deadline, as_of, overdue_days, run_id, created_at)
SELECT h.id, CASE WHEN r.level = 0 THEN 'due_soon' ELSE 'overdue' END, r.level, h.current_deadline,
       h.current_deadline + r.days, r.days, NULL, ((h.current_deadline + r.days) + time '01:00') {_LOCAL}
FROM hazards_hazard h
CROSS JOIN LATERAL (VALUES (0, -{_REMIND}), (1, 1), (2, {_L2}), (3, {_L3})) AS r(level, days)
WHERE h.id >= %(first)s AND h.current_deadline IS NOT NULL AND h.assigned_at IS NOT NULL AND NOT h.rectified_on_spot
  AND h.current_deadline + r.days >= (h.assigned_at {_LOCAL})::date
  AND h.current_deadline + r.days <= CASE WHEN h.status IN {_RUNNING} THEN %(as_of)s::date - 1
                                          ELSE (h.rectification_reported_at {_LOCAL})::date END
"""

# In-app messages: level 0/1 to the assigned inspector and the enterprise's contacts, level 2 to
# the county's supervisors, level 3 to the city's. Read a few hours later unless recent.
_DELIVERIES_SQL = f"""
INSERT INTO notices_delivery (notice_id, channel, recipient_id, endpoint_id, status, attempts, last_error,
                              next_attempt_at, sent_at, read_at, created_at)
SELECT r.notice_id, 'inapp', r.user_id, NULL, 'sent', 0, '', NULL, r.created_at,
       CASE WHEN r.as_of < %(as_of)s::date - 7 THEN r.created_at + interval '5 hours' END, r.created_at
FROM (
    SELECT n.id AS notice_id, n.as_of, n.created_at, h.assigned_inspector_id AS user_id
    FROM notices_notice n JOIN hazards_hazard h ON h.id = n.hazard_id
    WHERE n.level <= 1 AND h.id >= %(first)s AND h.assigned_inspector_id IS NOT NULL
    UNION
    SELECT n.id, n.as_of, n.created_at, u.id
    FROM notices_notice n JOIN hazards_hazard h ON h.id = n.hazard_id
    JOIN accounts_user u ON u.enterprise_id = h.enterprise_id AND u.role = 'enterprise'
    WHERE n.level <= 1 AND h.id >= %(first)s
    UNION
    SELECT n.id, n.as_of, n.created_at, u.id
    FROM notices_notice n JOIN hazards_hazard h ON h.id = n.hazard_id
    JOIN accounts_user u ON u.region_id = substr(h.region_id, 1, 6) AND u.role = 'supervisor'
    WHERE n.level = 2 AND h.id >= %(first)s
    UNION
    SELECT n.id, n.as_of, n.created_at, u.id
    FROM notices_notice n JOIN hazards_hazard h ON h.id = n.hazard_id
    JOIN accounts_user u ON u.region_id = substr(h.region_id, 1, 4) AND u.role = 'supervisor'
    WHERE n.level = 3 AND h.id >= %(first)s
) AS r
"""

# The last 30 nightly runs, with the notices they created.
_RUNS_SQL = f"""
WITH nights AS (
    SELECT d::date AS as_of FROM generate_series(%(as_of)s::date - 30, %(as_of)s::date - 1, interval '1 day') AS d
    WHERE NOT EXISTS (SELECT 1 FROM notices_escalationrun r WHERE r.as_of = d::date)
), runs AS (
    INSERT INTO notices_escalationrun (as_of, dry_run, trigger, status, started_at, finished_at, flagged, unflagged,
                                       reminders, level1, level2, level3, deliveries, circular_queued, worker, error)
    SELECT n.as_of, false, 'beat', 'succeeded', (n.as_of + time '01:00') {_LOCAL},
           (n.as_of + time '01:00:40') {_LOCAL},
           count(*) FILTER (WHERE x.level = 1), 0, count(*) FILTER (WHERE x.level = 0),
           count(*) FILTER (WHERE x.level = 1), count(*) FILTER (WHERE x.level = 2),
           count(*) FILTER (WHERE x.level = 3), 0, count(*) FILTER (WHERE x.level = 3), 'seed_scale', ''
    FROM nights n LEFT JOIN notices_notice x ON x.as_of = n.as_of
    GROUP BY n.as_of
    RETURNING id, as_of
)
UPDATE notices_notice x SET run_id = runs.id FROM runs WHERE x.as_of = runs.as_of
"""


def default_as_of() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
