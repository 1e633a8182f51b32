"""The Excel import of a 100,000-row ledger beside a bare bulk insert of the same rows, and the
peak memory of a 100,000-row export. The work is done by bench/spreadsheets_bench.py (each import
and export in a fresh child process, as a worker and a web process would run them); this case
runs it against the suite's database and puts its numbers in the results table.

*code* is the whole import (validate every row, then import: codes, hazards and audit events in
one transaction), *SQL* the bare insert (rows built in memory, bulk_create, nothing checked)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

from bench.harness import Case, Result, Stats

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
REPEAT = 3


class ExcelImport(Case):
    name = "excel_import"
    title = f"Excel 导入 {ROWS:,} 行隐患台账（校验 + 导入）对比裸批量插入；导出 {ROWS:,} 行的峰值内存"
    target_ms, target_ratio = 60_000, 3

    def measure(self) -> Result:
        settings = connection.settings_dict
        url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
               f"/{settings['NAME']}")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "excel.json"
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "spreadsheets_bench.py"), "--rows", str(ROWS),
                 "--repeat", str(REPEAT), "--json", str(out)],
                cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True,
            )
            data = json.loads(out.read_text())
        result = Result(case=self.name, title=self.title)
        result.code, result.sql = Stats.of(data["total_s"]), Stats.of(data["bare_s"])
        result.extra = {
            "validate_s": data["validate_s"], "import_s": data["import_s"],
            "import_peak_rss_mb": data["peak_rss_mb"], "cpu_s": data.get("cpu", []),
            "exports": data["exports"],
        }
        peaks = ", ".join(f"{fmt} {e['peak_rss_mb']:.0f} MB in {e['seconds']:.1f} s"
                          for fmt, e in data["exports"].items())
        result.notes.append(f"export of {ROWS:,} rows, peak RSS of the web process (target < 300 MB): {peaks}")
        return result


CASES = [ExcelImport()]
