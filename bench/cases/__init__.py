"""Benchmark cases. Each module here defines `CASES`, a list of bench.harness.Case instances;
bench/run.py collects them in module order. A new case is a new module."""
from __future__ import annotations

import importlib
import pkgutil

# The escalation case writes (and rolls back) 50,000 rows: it runs last, then vacuums.
ORDER = ("ledger", "detail", "search", "dashboard", "excel_import", "throughput", "escalation")


def all_cases() -> list:
    names = sorted((m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")),
                   key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    cases = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        cases.extend(getattr(module, "CASES", []))
    return cases
