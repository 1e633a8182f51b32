"""The benchmark harness: a case runs the project's real code path and, in the same run, the bare
SQL that returns the same data; the harness times both, interleaved so that both see the same
machine, and reports median, p95, their ratio and the queries the code path issued.

A case is a small class (see bench/cases/); `bench/run.py` finds every `CASES` list there.
"""
from __future__ import annotations

import os
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Above this 1-minute load average (per core) the machine is busy with something else: the
# case is measured again, up to `retries` times, and the quietest attempt is kept.
LOAD_PER_CORE_LIMIT = 1.0


@dataclass
class Stats:
    n: int
    median_ms: float
    p95_ms: float
    min_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> "Stats":
        ms = sorted(s * 1000 for s in seconds)
        p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
        return cls(n=len(ms), median_ms=round(statistics.median(ms), 2), p95_ms=round(p95, 2),
                   min_ms=round(ms[0], 2))


@dataclass
class Result:
    case: str
    title: str
    code: Stats | None = None
    sql: Stats | None = None
    ratio_median: float | None = None
    ratio_p95: float | None = None
    queries: int | None = None
    code_db_median_ms: float | None = None  # SQL time inside the code path (median per call)
    target: dict = field(default_factory=dict)
    met: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    attempts: int = 1
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


class Case:
    """One benchmark. Subclasses set `name`, `title`, `target_ms` (on the code path's p95),
    `target_ratio` (code median / bare SQL median) and implement:

    - setup(): prepare what the measured calls use (clients, ids, SQL);
    - code(): one call of the real code path (the Django test client as a browser would, or the
      service/selector as a job would); returns what to compare;
    - sql(cursor): one run of the bare SQL returning the same data, on a raw psycopg2 cursor;
    - same(code_result, sql_result): True when both returned the same data;
    - before_code(): optional, run before every code() call and not timed (e.g. a committed write
      that makes the next call find no cached figures).
    """

    name = ""
    title = ""
    target_ms: float | None = None
    target_ratio: float | None = None
    iterations = 40
    warmup = 5

    def setup(self) -> None:
        pass

    def teardown(self) -> None:
        pass

    def before_code(self) -> None:
        pass

    def code(self) -> Any:
        raise NotImplementedError

    def sql(self, cursor) -> Any:
        raise NotImplementedError

    def same(self, code_result, sql_result) -> bool:
        return True

    def measure(self) -> Result:
        """The default measurement: warm up, then alternate code and bare SQL."""
        result = Result(case=self.name, title=self.title)
        raw = connection.connection.cursor()
        try:
            for _ in range(self.warmup):
                self.before_code()
                code_result = self.code()
                sql_result = self.sql(raw)
            if not self.same(code_result, sql_result):
                result.notes.append("MISMATCH: the code path and the bare SQL returned different data")
            self.before_code()
            with CaptureQueriesContext(connection) as captured:
                self.code()
            result.queries = len(captured)
            code_times, sql_times, db_times = [], [], []
            for _ in range(self.iterations):
                spent = [0.0]
                self.before_code()
                with connection.execute_wrapper(_timer(spent)):
                    t0 = time.perf_counter()
                    self.code()
                    code_times.append(time.perf_counter() - t0)
                db_times.append(spent[0])
                t0 = time.perf_counter()
                self.sql(raw)
                sql_times.append(time.perf_counter() - t0)
        finally:
            raw.close()
        result.code, result.sql = Stats.of(code_times), Stats.of(sql_times)
        result.code_db_median_ms = round(statistics.median(db_times) * 1000, 2)
        return result


def _timer(spent: list[float]) -> Callable:
    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - t0
    return wrapper


def finish(case: Case, result: Result) -> Result:
    """Ratios and whether the targets were met."""
    if result.code and result.sql and result.sql.median_ms > 0:
        result.ratio_median = round(result.code.median_ms / result.sql.median_ms, 2)
        result.ratio_p95 = round(result.code.p95_ms / result.sql.p95_ms, 2)
    if case.target_ms is not None:
        result.target["p95_ms"] = case.target_ms
        if result.code:
            result.met["time"] = result.code.p95_ms < case.target_ms
    if case.target_ratio is not None:
        result.target["ratio"] = case.target_ratio
        if result.ratio_median is not None:
            result.met["ratio"] = result.ratio_median <= case.target_ratio
    return result


def run_case(case: Case, *, retries: int = 2, log=print) -> Result:
    """Measure a case; while the machine was busy (load above the limit), measure it again and
    keep the quietest attempt."""
    cores = os.cpu_count() or 1
    best: Result | None = None
    case.setup()
    try:
        for attempt in range(1, retries + 2):
            before = os.getloadavg()
            started = time.time()
            result = case.measure()
            after = os.getloadavg()
            result.load = {"before": [round(x, 2) for x in before], "after": [round(x, 2) for x in after],
                           "per_core_limit": LOAD_PER_CORE_LIMIT, "seconds": round(time.time() - started, 1)}
            result.attempts = attempt
            busy = max(before[0], after[0]) / cores > LOAD_PER_CORE_LIMIT
            result.load["busy"] = busy
            if best is None or max(after[0], before[0]) < max(best.load["after"][0], best.load["before"][0]):
                best = result
            log(f"    attempt {attempt}: load {before[0]:.2f} → {after[0]:.2f}"
                + (" (busy, measuring again)" if busy and attempt <= retries else ""))
            if not busy:
                break
            time.sleep(15)
    finally:
        case.teardown()
    assert best is not None
    best.attempts = attempt
    if best.load.get("busy"):
        best.notes.append(f"machine busy during every attempt (load {best.load['before'][0]}–{best.load['after'][0]} "
                          f"on {cores} cores): numbers are pessimistic")
    return finish(case, best)
