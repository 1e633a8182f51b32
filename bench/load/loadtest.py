#!/usr/bin/env python3
"""Load test: N concurrent users doing the inspector and supervisor mix against gunicorn +
PostgreSQL, for a fixed time; reports p50/p95/p99 per request kind and every error.

One command (from the repository root, with the dev venv: `python3 dev.py setup --dev`):

    .venv/bin/python bench/load/loadtest.py --database-url postgres://postgres@127.0.0.1:5432/hazardtrack_dev

It starts gunicorn itself with the production settings (DEBUG=0, WhiteNoise, no SSL redirect)
on a free port against --database-url, logs each virtual user in through the real login form
(CSRF and all), runs the mix for --duration seconds, stops gunicorn and prints the report (also
written as JSON to var/load/). Use --url to aim at a server that is already running instead.
Exit status 1 when any request failed (5xx, connection error, an unexpected 4xx) — a 409
conflict between two supervisors confirming the same hazard is the system working, counted
apart. The database needs users and hazards: `manage.py seed_demo` (the default usernames), or
the provincial data set with --inspector/--supervisor naming its accounts.

The mix (per virtual user, think time --think seconds on average between requests):
  inspector  home · ledger · ledger filtered (overdue / a status / text) · hazard page ·
             API ledger · API hazard · report a hazard through the API (5 %)
  supervisor home · ledger of reported hazards · hazard page · confirm a reported hazard
             through the API (If-Match) · inbox · API ledger filtered
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


# --- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, workers: int, threads: int) -> tuple[subprocess.Popen, str, Path]:
    var = Path(tempfile.mkdtemp(prefix="ht-load-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0", HAZARDTRACK_VAR_DIR=str(var), STATIC_ROOT=str(var / "static"), LOG_LEVEL="WARNING",
        AXES_FAILURE_LIMIT="1000",  # 50 users share one address and a few usernames
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    gunicorn = [python, "-m", "gunicorn", "hazardtrack.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                "--threads", str(threads), "--timeout", "60", "--access-logfile", "-",
                # Longer than any think time: an idle kept-alive connection closed by the server
                # just as the client reuses it would count as an error that no user would see.
                "--keep-alive", "30",
                "--access-logformat", '%(m)s %(U)s %(s)s %(M)s']
    log = open(var / "gunicorn.log", "w")
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return server, url, var
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {var / 'gunicorn.log'}")


# --- measurements ---------------------------------------------------------------------------------

@dataclass
class Stats:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None = None, conflict: bool = False):
        with self.lock:
            self.timings[kind].append(ms)
            if error:
                self.errors[kind].append(error)
            if conflict:
                self.conflicts[kind] += 1


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


LOGIN_KINDS = {"login", "login page"}


# --- a virtual user -------------------------------------------------------------------------------

class VirtualUser:
    def __init__(self, base: str, username: str, password: str, stats: Stats, rng: random.Random):
        self.base, self.username, self.password, self.stats, self.rng = base, username, password, stats, rng
        self.http = requests.Session()
        self.hazard_ids: list[int] = []
        self.reported_ids: list[int] = []
        self.enterprise_ids: list[int] = []

    # one request, timed and judged
    def call(self, kind: str, method: str, path: str, ok=(200,), conflict=(), **kw) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=60, allow_redirects=False, **kw)
        except requests.RequestException as exc:
            self.stats.add(kind, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"[:200])
            return None
        ms = (time.perf_counter() - started) * 1000
        if response.status_code in ok:
            self.stats.add(kind, ms)
        elif response.status_code in conflict:
            self.stats.add(kind, ms, conflict=True)
        else:
            self.stats.add(kind, ms, f"{response.status_code} {method} {path}")
        return response

    def csrf_headers(self) -> dict:
        return {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.base + "/"}

    def log_in(self) -> bool:
        self.call("login page", "GET", "/accounts/login/")
        response = self.call("login", "POST", "/accounts/login/", ok=(302,),
                             data={"username": self.username, "password": self.password},
                             headers=self.csrf_headers())
        if response is None or response.status_code != 302:
            return False
        listing = self.call("api ledger", "GET", "/api/hazards/?page_size=100")
        if listing is not None and listing.ok:
            self.hazard_ids = [row["id"] for row in listing.json()["results"]]
        return True

    def refresh_reported(self):
        listing = self.call("api ledger reported", "GET", "/api/hazards/?status=reported&page_size=50")
        if listing is not None and listing.ok:
            self.reported_ids = [row["id"] for row in listing.json()["results"]]

    def detail(self):
        if self.hazard_ids:
            self.call("hazard page", "GET", f"/hazards/{self.rng.choice(self.hazard_ids)}/")

    # the two mixes
    def inspector_step(self):
        roll = self.rng.random()
        if roll < 0.10:
            self.call("home", "GET", "/")
        elif roll < 0.30:
            self.call("ledger", "GET", f"/hazards/?page={self.rng.randint(1, 3)}")
        elif roll < 0.45:
            query = self.rng.choice(["overdue=1", "status=rectifying", "status=reported", "q=消防", "level=major"])
            self.call("ledger filtered", "GET", f"/hazards/?{query}")
        elif roll < 0.70:
            self.detail()
        elif roll < 0.80:
            self.call("api ledger", "GET", "/api/hazards/?page_size=20")
        elif roll < 0.95:
            if self.hazard_ids:
                self.call("api hazard", "GET", f"/api/hazards/{self.rng.choice(self.hazard_ids)}/")
        else:
            self.report_hazard()

    def report_hazard(self):
        if not self.enterprise_ids:
            found = self.call("api enterprises", "GET", "/api/enterprises/?page_size=50")
            if found is not None and found.ok:
                self.enterprise_ids = [row["id"] for row in found.json()["results"]]
        if self.enterprise_ids:
            body = {"title": f"压测隐患 {secrets.token_hex(3)}", "enterprise": self.rng.choice(self.enterprise_ids),
                    "description": "负载测试自动上报"}
            self.call("api report hazard", "POST", "/api/hazards/", ok=(201,), json=body, headers=self.csrf_headers())

    def supervisor_step(self):
        roll = self.rng.random()
        if roll < 0.10:
            self.call("home", "GET", "/")
        elif roll < 0.35:
            self.call("ledger reported", "GET", "/hazards/?status=reported")
        elif roll < 0.60:
            self.detail()
        elif roll < 0.75:
            if not self.reported_ids:
                self.refresh_reported()
            if self.reported_ids:
                pk = self.reported_ids.pop()
                self.call("api confirm", "POST", f"/api/hazards/{pk}/confirm/", ok=(200,), conflict=(409, 412),
                          json={"comment": "压测认定"}, headers={**self.csrf_headers(), "If-Match": '"1"'})
        elif roll < 0.85:
            self.call("inbox", "GET", "/notices/")
        else:
            self.call("api ledger filtered", "GET", "/api/hazards/?overdue=1&page_size=20")


def run_user(user: VirtualUser, role: str, until: float, think: float):
    if not user.log_in():
        return
    step = user.inspector_step if role == "inspector" else user.supervisor_step
    while time.monotonic() < until:
        step()
        time.sleep(user.rng.uniform(0, 2 * think))


# --- main -------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL to run gunicorn against (default: $DATABASE_URL)")
    parser.add_argument("--url", help="an already running server instead of starting gunicorn")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between requests, seconds")
    parser.add_argument("--supervisor-share", type=float, default=0.3, help="share of users who are supervisors")
    parser.add_argument("--inspector", default="inspector", help="comma-separated inspector usernames")
    parser.add_argument("--supervisor", default="supervisor,city", help="comma-separated supervisor usernames")
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--ramp-up", type=float, default=30, help="seconds over which the users log in")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--p95-budget-ms", type=float, default=0, help="also fail when the overall p95 exceeds this")
    args = parser.parse_args()

    server = var = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        if not args.database_url:
            parser.error("give --database-url (or set DATABASE_URL), or --url")
        server, base, var = start_gunicorn(args.database_url, args.workers, args.threads)
    stats = Stats()
    inspectors, supervisors = args.inspector.split(","), args.supervisor.split(",")
    n_supervisors = round(args.users * args.supervisor_share)
    started = time.monotonic()
    until = started + args.duration
    threads = []
    try:
        for i in range(args.users):
            role = "supervisor" if i < n_supervisors else "inspector"
            names = supervisors if role == "supervisor" else inspectors
            user = VirtualUser(base, names[i % len(names)], args.password, stats, random.Random(args.seed * 1000 + i))
            thread = threading.Thread(target=run_user, args=(user, role, until, args.think), daemon=True)
            thread.start()
            threads.append(thread)
            time.sleep(args.ramp_up / max(args.users, 1))  # people arrive over the ramp-up, not all at once
        for thread in threads:
            thread.join(timeout=args.duration + 120)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    elapsed = time.monotonic() - started
    return report(stats, args, elapsed, base, var)


def report(stats: Stats, args, elapsed: float, base: str, var: Path | None) -> int:
    rows, all_ms = [], []
    for kind in sorted(stats.timings):
        ms = stats.timings[kind]
        if kind not in LOGIN_KINDS:
            all_ms += ms  # logins are PBKDF2-bound on purpose: reported on their own rows
        rows.append({"kind": kind, "count": len(ms), "errors": len(stats.errors[kind]),
                     "conflicts": stats.conflicts[kind], "p50_ms": round(percentile(ms, 50), 1),
                     "p95_ms": round(percentile(ms, 95), 1), "p99_ms": round(percentile(ms, 99), 1),
                     "max_ms": round(max(ms), 1)})
    errors = sum(len(e) for e in stats.errors.values())  # logins included
    total = {"requests": len(all_ms), "errors": errors, "conflicts": sum(stats.conflicts.values()),
             "rps": round(len(all_ms) / elapsed, 1), "p50_ms": round(percentile(all_ms, 50), 1),
             "p95_ms": round(percentile(all_ms, 95), 1), "p99_ms": round(percentile(all_ms, 99), 1),
             "mean_ms": round(statistics.fmean(all_ms), 1) if all_ms else 0}
    print(f"\nhazardtrack load test: {args.users} users for {elapsed:.0f} s against {base}")
    print(f"{'request':<24}{'count':>7}{'errors':>8}{'409':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for r in rows:
        print(f"{r['kind']:<24}{r['count']:>7}{r['errors']:>8}{r['conflicts']:>6}{r['p50_ms']:>9}{r['p95_ms']:>9}"
              f"{r['p99_ms']:>9}{r['max_ms']:>9}")
    print(f"{'ALL but login':<24}{total['requests']:>7}{total['errors']:>8}{total['conflicts']:>6}{total['p50_ms']:>9}"
          f"{total['p95_ms']:>9}{total['p99_ms']:>9}   {total['rps']} req/s")
    for kind, errs in stats.errors.items():
        for e in errs[:5]:
            print(f"  ERROR {kind}: {e}")
    out = ROOT / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"loadtest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"users": args.users, "duration_s": round(elapsed, 1), "total": total, "rows": rows,
                                "errors": {k: v[:20] for k, v in stats.errors.items()},
                                "server_log": str(var / "gunicorn.log") if var else None},
                               ensure_ascii=False, indent=2))
    print(f"report: {path}")
    failed = errors > 0 or (args.p95_budget_ms and total["p95_ms"] > args.p95_budget_ms)
    return 1 if failed or not all_ms else 0


if __name__ == "__main__":
    sys.exit(main())
