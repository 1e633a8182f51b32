"""Real .xlsx files for the tests, written by openpyxl."""
from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from spreadsheets.columns import ENTERPRISE_COLUMNS, HAZARD_COLUMNS

HAZARD_HEADERS = [str(c.header) for c in HAZARD_COLUMNS]
ENTERPRISE_HEADERS = [str(c.header) for c in ENTERPRISE_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(headers: list[str] | None, rows: list[list], *, title: str = "隐患台账", above: list[list] = (),
               write_only: bool = False) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet(title) if write_only else workbook.active
    if not write_only:
        sheet.title = title
    for line in above:
        sheet.append(line)
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def hazard_row(**values) -> list:
    """A valid general hazard in 整改中 unless told otherwise; keys are column keys."""
    row = {
        "original_code": "TZ-2024-001",
        "title": "配电箱未接地",
        "description": "配电箱外壳无接地线",
        "level": "一般隐患",
        "category": "物的不安全状态",
        "source": "日常检查",
        "found_at": datetime.datetime(2024, 3, 5, 9, 30),
        "status": "整改中",
        "current_deadline": datetime.date(2024, 4, 5),
        "measures": "加装接地线",
    }
    row.update(values)
    keys = [c.key for c in HAZARD_COLUMNS]
    unknown = set(row) - set(keys)
    assert not unknown, unknown
    return [row.get(k) for k in keys]


def enterprise_row(**values) -> list:
    keys = [c.key for c in ENTERPRISE_COLUMNS]
    return [values.get(k) for k in keys]


def hazard_file(rows: list[list], **kw) -> bytes:
    return xlsx_bytes(HAZARD_HEADERS, rows, **kw)


def upload(content: bytes, name: str = "台账.xlsx", content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def read_sheets(content: bytes) -> dict[str, list[tuple]]:
    """Every sheet of a workbook as a list of row tuples."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}
