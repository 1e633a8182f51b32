"""Real faults, not mocks: processes killed with SIGKILL, a Redis that is stopped, a PostgreSQL
that restarts. Every service broken here is a PRIVATE instance started by the test on a free
port (the shared PostgreSQL on 5432 and Redis on 6379 are never touched)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import in_ci

# The notices tests' county, group robot and subprocess helpers, shared here.
from tests.notices.conftest import (  # noqa: F401 - fixtures
    DEADLINE,
    ROOT,
    County,
    county,
    day,
    robot,
    subprocess_env,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Process:
    """A child process whose combined output is collected line by line in the background."""

    popen: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, args: list[str], env: dict, cwd: Path = ROOT) -> "Process":
        popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, start_new_session=True)
        proc = cls(popen)
        threading.Thread(target=proc._read, daemon=True).start()
        return proc

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        wait_until(lambda: any(text in line for line in self.lines) or self.popen.poll() is not None,
                   timeout, f"{text!r} from {self.popen.args[:4]}")
        assert any(text in line for line in self.lines), f"process ended without {text!r}:\n{self.output()[-3000:]}"

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)  # the process and its children (a worker's pool)
            self.popen.wait(timeout=30)


# --- a private Redis --------------------------------------------------------------------------

@dataclass
class PrivateRedis:
    port: int
    process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = Process.start(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            env=dict(os.environ))
        self.process.wait_for("Ready to accept connections", timeout=30)

    def stop(self) -> None:
        if self.process:
            self.process.kill(signal.SIGKILL)
            self.process = None


def _missing(reason: str) -> None:
    """Skip on a developer's machine without the binary; under CI=true nothing may be skipped."""
    if in_ci():
        pytest.fail(f"CI=true and this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def private_redis():
    if not os.path.exists(REDIS_SERVER):
        _missing("needs redis-server")
    redis = PrivateRedis(port=free_port())
    redis.start()
    yield redis
    redis.stop()


# --- a Celery worker --------------------------------------------------------------------------

def start_worker(env: dict) -> Process:
    """One prefork child, no gossip: the smallest real worker."""
    worker = Process.start(
        [sys.executable, "-m", "celery", "-A", "hazardtrack", "worker", "-l", "INFO", "-c", "1", "-P", "prefork",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"faults{os.getpid()}@%h"],
        env=env)
    worker.wait_for("ready.", timeout=120)
    return worker


def worker_children(worker: Process) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(worker.popen.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def send_task(broker_url: str, name: str, **kwargs) -> None:
    from hazardtrack.celery import app

    with app.connection_for_write(broker_url) as conn:
        app.send_task(name, kwargs=kwargs, connection=conn)


# --- a private PostgreSQL cluster ------------------------------------------------------------------

@dataclass
class PrivateCluster:
    datadir: Path
    port: int

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]  # PostgreSQL refuses to run as root
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=180)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.datadir / "data"), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults")

    def _options(self) -> str:
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir / "data"), "-o", self._options(), "-l",
                  str(self.datadir / "server.log"), "-w", "start")

    def restart(self) -> None:
        """Fast shutdown: connections are cut, open transactions roll back; then start again."""
        self._run("pg_ctl", "-D", str(self.datadir / "data"), "-o", self._options(), "-l",
                  str(self.datadir / "server.log"), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir / "data"), "-m", "immediate", "-w", "stop", check=False)


@pytest.fixture
def private_cluster():
    if not (PG_BIN / "initdb").exists():
        _missing(f"needs PostgreSQL 15 server binaries in {PG_BIN}")
    datadir = Path(tempfile.mkdtemp(prefix="ht-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    cluster = PrivateCluster(datadir=datadir, port=free_port())
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(datadir, ignore_errors=True)
