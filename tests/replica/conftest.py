"""A real streaming replica of the test PostgreSQL, on a private port, for the replica tests.

`pg_basebackup -R` copies the running cluster (the test database included, which pytest-django
has just created) into a temporary data directory of its own and writes the standby settings
(standby.signal, primary_conninfo); `pg_ctl` starts it as the `postgres` OS user (PostgreSQL
refuses to run as root, and CI runs as root) with a minimal postgresql.conf: the private port,
a socket in its own directory, hot_standby on and the primary's limits that a standby must
match. It is stopped and its directory removed at the end of the session.

Replication connections need a pg_hba.conf line of their own ("all" does not cover the
`replication` pseudo-database). When the primary has none for 127.0.0.1, the setup appends
`host replication all 127.0.0.1/32 trust` to the file the server names (SHOW hba_file) and
reloads the configuration — once: it looks the rule up in pg_hba_file_rules first, so a second
run changes nothing. It is the same trust the file already gives every database on 127.0.0.1.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

REPLICATION_RULE = "host replication all 127.0.0.1/32 trust"
# Settings a hot standby must have at least as high as its primary.
MATCHED_LIMITS = ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                  "max_locks_per_transaction")


@dataclass
class Replica:
    port: int
    data_dir: Path
    primary_dsn: dict

    def connect(self):
        return psycopg2.connect(host="127.0.0.1", port=self.port, user=self.primary_dsn["user"],
                                dbname=self.primary_dsn["dbname"])

    def wait_for_replay(self, timeout: float = 60.0) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        with psycopg2.connect(**self.primary_dsn) as primary:
            primary.autocommit = True
            with primary.cursor() as cur:
                cur.execute("SELECT pg_current_wal_lsn()")
                target = cur.fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.connect() as standby:
            standby.autocommit = True
            with standby.cursor() as cur:
                while True:
                    cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                    if cur.fetchone()[0]:
                        return
                    if time.monotonic() > deadline:
                        raise AssertionError(f"the replica did not replay up to {target} within {timeout}s")
                    time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the postgres OS user when we are root (CI), else as ourselves."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def _bin_dir(primary) -> Path:
    with primary.cursor() as cur:
        cur.execute("SHOW server_version_num")
        major = int(cur.fetchone()[0]) // 10000
    path = Path(f"/usr/lib/postgresql/{major}/bin")
    assert (path / "pg_basebackup").exists(), f"no PostgreSQL {major} programs in {path}"
    return path


def _ensure_replication_rule(primary) -> None:
    with primary.cursor() as cur:
        cur.execute("""SELECT count(*) FROM pg_hba_file_rules
                       WHERE 'replication' = ANY(database) AND error IS NULL
                         AND (type = 'local' OR address IN ('127.0.0.1', 'all', '0.0.0.0'))""")
        if cur.fetchone()[0]:
            return
        cur.execute("SHOW hba_file")
        hba = Path(cur.fetchone()[0])
        text = hba.read_text()
        if REPLICATION_RULE not in text:
            hba.write_text(text.rstrip("\n") + "\n# hazardtrack tests/replica: streaming replica on 127.0.0.1\n"
                           + REPLICATION_RULE + "\n")
        cur.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)  # the postmaster rereads the file on SIGHUP


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    db = settings.DATABASES["default"]
    if not db["ENGINE"].startswith("django.db.backends.postgresql"):
        pytest.skip("a streaming replica needs PostgreSQL")  # turned into a failure under CI (postgres marker)
    dsn = {"host": db.get("HOST") or "127.0.0.1", "port": int(db.get("PORT") or 5432), "user": db.get("USER") or "postgres",
           "dbname": db["NAME"]}
    primary = psycopg2.connect(**dsn)
    primary.autocommit = True
    bin_dir = _bin_dir(primary)
    _ensure_replication_rule(primary)
    with primary.cursor() as cur:
        limits = {}
        for name in MATCHED_LIMITS:
            cur.execute(f"SHOW {name}")
            limits[name] = cur.fetchone()[0]
    primary.close()

    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="ht_replica_"))
    data_dir, socket_dir = root / "data", root / "run"
    socket_dir.mkdir()
    if owner:
        for path in (root, socket_dir):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    root.chmod(0o700)
    port = _free_port()
    started = time.monotonic()
    _as_postgres([str(bin_dir / "pg_basebackup"), "-h", dsn["host"], "-p", str(dsn["port"]), "-U", dsn["user"],
                  "-D", str(data_dir), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"], timeout=900)
    copied = time.monotonic() - started
    conf = [f"port = {port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{socket_dir}'",
            "hot_standby = on", "shared_buffers = 32MB", "fsync = off", "jit = off",
            f"hba_file = '{data_dir / 'pg_hba.conf'}'", f"ident_file = '{data_dir / 'pg_ident.conf'}'",
            *(f"{name} = {value}" for name, value in limits.items())]
    files = {"postgresql.conf": "\n".join(conf) + "\n",
             "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n", "pg_ident.conf": ""}
    for name, text in files.items():
        _as_postgres(["sh", "-c", f"cat > {data_dir / name}"], input=text)
    log = root / "replica.log"
    try:
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-w", "-t", "120", "start"],
                     timeout=180)
    except subprocess.CalledProcessError as error:
        detail = log.read_text()[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise AssertionError(f"the replica did not start: {error.stderr}\n{detail}") from error
    replica = Replica(port=port, data_dir=data_dir, primary_dsn=dsn)
    replica.copy_seconds = copied
    try:
        replica.wait_for_replay()
        yield replica
    finally:
        subprocess.run((["runuser", "-u", "postgres", "--"] if owner else [])
                       + [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
