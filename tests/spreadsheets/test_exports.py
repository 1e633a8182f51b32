"""Exports: the ledger with the page's filters, a hazard's full record with its timeline, and
enterprise lists, as .xlsx and CSV — within the user's jurisdiction, and re-importable."""
from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards import services as hazard_services
from hazards.choices import HazardStatus
from hazards.models import Hazard
from spreadsheets.choices import ImportStatus
from tests.factories import EnterpriseFactory, HazardFactory, enterprise_contact, region, sector

from .conftest import import_file
from .workbooks import read_sheets

pytestmark = pytest.mark.django_db
S = HazardStatus


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def ledger_rows(client, query: str = "") -> list[tuple]:
    sheets = read_sheets(content(client.get(f"/spreadsheets/export/ledger.xlsx{query}")))
    return sheets["隐患台账"]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def history(county) -> list[Hazard]:
    """Hazards as an office's ledger holds them, in several states, with and without a unit."""
    mine, plant = county.mine, county.plant
    return [
        HazardFactory(enterprise=mine, title="配电箱未接地", found_at=local(2024, 3, 5, 9, 30, 15), status=S.REPORTED,
                      description="配电箱外壳无接地线\n存在触电风险"),
        HazardFactory(enterprise=plant, level="major", found_at=local(2024, 4, 1, 14, 0), status=S.RECTIFYING,
                      confirmed_at=local(2024, 4, 1, 14, 0), assigned_at=local(2024, 4, 1, 14, 0),
                      original_deadline=datetime.date(2024, 5, 1), current_deadline=datetime.date(2024, 6, 1),
                      responsible_unit=plant.name, responsible_person="王厂长", funds_planned=Decimal("12000.50")),
        HazardFactory(enterprise=mine, found_at=local(2024, 2, 1), status=S.SIGNED_OFF, category="management_defect",
                      source="tipoff", original_deadline=datetime.date(2024, 2, 20),
                      current_deadline=datetime.date(2024, 2, 20), rectification_report="已整改",
                      funds_spent=Decimal("3000"), rectification_reported_at=local(2024, 2, 18),
                      verified_at=local(2024, 2, 19), signed_off_at=local(2024, 2, 25), responsible_unit="矿山"),
        HazardFactory(enterprise=None, region=region("430522101"), sector=sector("fire"), found_at=local(2024, 1, 9),
                      status=S.REJECTED, rejection_reason="重复上报", original_code="旧-009"),
    ]


def test_an_exported_ledger_reimports_to_the_same_rows(county, client):
    olds = history(county)
    client.force_login(county.supervisor)
    exported = content(client.get("/spreadsheets/export/ledger.xlsx"))
    before = read_sheets(exported)["隐患台账"]
    Hazard.objects.all().delete()  # the ledger moves to another system (or is rebuilt)

    job = import_file(county.supervisor, exported, name="导出的台账.xlsx")

    assert job.status == ImportStatus.DONE, list(job.issues.values_list("row", "column", "message"))
    assert job.imported_rows == len(olds)
    after = ledger_rows(client)
    header = before[0]
    assert after[0] == header
    old_code, original = header.index("隐患编号"), header.index("原台账编号")
    assert len(after) == len(before)
    for was, now in zip(before[1:], after[1:]):  # both in the ledger's order: found time, newest first
        assert now[original] == (was[original] or was[old_code])  # the old system's code is kept
        assert [v for i, v in enumerate(now) if i not in (old_code, original)] == \
            [v for i, v in enumerate(was) if i not in (old_code, original)]


def _xlsx_from_rows(rows: list[tuple]) -> bytes:
    from .workbooks import xlsx_bytes

    return xlsx_bytes(list(rows[0]), [list(r) for r in rows[1:]])


def test_an_exported_ledger_imported_again_into_the_same_system_adds_nothing(county, client):
    history(county)
    client.force_login(county.supervisor)
    exported = content(client.get("/spreadsheets/export/ledger.xlsx"))

    from .conftest import validate

    job = validate(county.supervisor, exported)

    assert (job.valid_rows, job.skipped_rows, job.error_rows) == (0, 4, 0)


def test_the_ledger_export_uses_the_pages_filters(county, client):
    history(county)
    client.force_login(county.supervisor)

    rows = ledger_rows(client, "?status=rectifying&status=signed_off&ordering=found_at")

    header = rows[0]
    assert [r[header.index("状态")] for r in rows[1:]] == ["已销号", "整改中"]
    assert rows[2][header.index("是否逾期")] == "是"


def test_the_ledger_export_as_csv_has_the_same_columns_and_rows(county, client):
    history(county)
    client.force_login(county.supervisor)

    rows = csv_rows(content(client.get("/spreadsheets/export/ledger.csv?ordering=found_at")))

    assert rows[0] == list(ledger_rows(client)[0])
    assert [r[rows[0].index("发现时间")] for r in rows[1:]] == [
        "2024-01-09 00:00:00", "2024-02-01 00:00:00", "2024-03-05 09:30:15", "2024-04-01 14:00:00"]
    assert rows[2][rows[0].index("实际整改资金（元）")] == "3000"


def test_nobody_exports_another_countys_hazards(county, client):
    history(county)
    theirs = HazardFactory(enterprise=county.neighbour_enterprise, title="邻县隐患")
    client.force_login(county.supervisor)

    titles = [r[2] for r in ledger_rows(client)[1:]]
    csv_titles = [r[2] for r in csv_rows(content(client.get("/spreadsheets/export/ledger.csv")))[1:]]
    record = client.get(f"/spreadsheets/export/hazards/{theirs.pk}.xlsx")
    record_csv = client.get(f"/spreadsheets/export/hazards/{theirs.pk}.csv")
    # Another county's region is refused by name (the ledger's filter), not exported as an empty file.
    filtered = client.get("/spreadsheets/export/ledger.xlsx?region=430523")

    assert "邻县隐患" not in titles and "邻县隐患" not in csv_titles and len(titles) == 4
    assert (record.status_code, record_csv.status_code) == (404, 404)
    assert filtered.status_code == 400 and "您的辖区内没有区划“430523”" in filtered.content.decode()


def test_an_enterprise_contact_exports_only_their_own_hazards(county, client):
    history(county)
    client.force_login(enterprise_contact(county.plant))

    rows = ledger_rows(client)

    assert [r[4] for r in rows[1:]] == [county.plant.name]


def test_the_export_issues_the_same_queries_for_10_and_100_rows(county, client):
    client.force_login(county.supervisor)

    def queries(n: int) -> int:
        HazardFactory.create_batch(n - Hazard.objects.count(), enterprise=county.mine)
        with CaptureQueriesContext(connection) as captured:
            rows = ledger_rows(client)
        assert len(rows) == n + 1
        return len(captured)

    assert queries(10) == queries(100)


def test_a_hazards_full_record_has_its_fields_and_timeline(county, client):
    hazard = hazard_services.hazard_create(actor=county.inspector, data={"title": "消防通道堵塞", "enterprise": county.mine,
                                                                        "original_code": "旧-1"})
    hazard_services.hazard_confirm(hazard_id=hazard.pk, actor=county.supervisor, expected_version=1, comment="属实")
    client.force_login(county.supervisor)

    sheets = read_sheets(content(client.get(f"/spreadsheets/export/hazards/{hazard.pk}.xlsx")))
    record = {r[0]: (r[1] if len(r) > 1 else None) for r in sheets["隐患信息"][1:]}
    timeline = sheets["办理记录"]

    assert (record["隐患编号"], record["原台账编号"], record["隐患名称"], record["状态"]) == (
        hazard.code, "旧-1", "消防通道堵塞", "已认定")
    assert record["生产经营单位"] == county.mine.name and record["发现人"] == county.inspector.full_name
    assert timeline[0][:5] == ("时间", "操作", "操作人", "原状态", "新状态")
    assert [(r[1], r[2], r[4], r[5]) for r in timeline[1:]] == [
        ("上报隐患", county.inspector.full_name, "已上报", None), ("认定隐患", county.supervisor.full_name, "已认定", "属实")]
    assert {"延期申请", "照片与材料"} <= set(sheets)

    text = content(client.get(f"/spreadsheets/export/hazards/{hazard.pk}.csv")).decode("utf-8-sig")
    assert "隐患信息" in text and "办理记录" in text and "认定隐患" in text


def test_enterprise_lists_export_within_jurisdiction_with_filters_and_reimport(county, client):
    EnterpriseFactory(name="红色风险单位", region=region("430522100"), risk_colour="red")
    client.force_login(county.supervisor)

    every = read_sheets(content(client.get("/spreadsheets/export/enterprises.xlsx")))["单位名录"]
    red = csv_rows(content(client.get("/spreadsheets/export/enterprises.csv?risk_colour=red")))

    names = {r[0] for r in every[1:]}
    assert names == {county.mine.name, county.plant.name, "红色风险单位"}  # not the neighbour's
    assert [r[0] for r in red[1:]] == ["红色风险单位"]
    assert every[0][:4] == ("单位名称", "统一社会信用代码", "所属区划代码", "行业领域")

    from .conftest import validate

    again = validate(county.supervisor, _xlsx_from_rows(every), kind="enterprises")
    assert (again.valid_rows, again.skipped_rows, again.error_rows) == (0, 3, 0)


def test_an_unknown_export_format_is_not_found(county, client):
    client.force_login(county.supervisor)

    assert client.get("/spreadsheets/export/ledger.pdf").status_code == 404


def test_exports_need_a_login(client, db):
    response = client.get("/spreadsheets/export/ledger.xlsx")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_export_is_on_the_audit_trail_with_who_what_and_how_many(county, client):
    from audit.choices import AuditAction
    from audit.models import AuditLog

    hazards = history(county)
    client.force_login(county.supervisor)

    content(client.get("/spreadsheets/export/ledger.xlsx?status=rectifying&status=signed_off"))
    content(client.get("/spreadsheets/export/enterprises.csv"))
    content(client.get(f"/spreadsheets/export/hazards/{hazards[0].pk}.xlsx"))

    entries = AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert [(e.actor, e.target, e.detail["count"]) for e in entries] == [
        (county.supervisor, "spreadsheets.ledger.xlsx", 2),
        (county.supervisor, "spreadsheets.enterprises.csv", 2),  # the mine and the plant, not the neighbour's
        (county.supervisor, "spreadsheets.hazard.xlsx", 1),
    ]
    assert entries[0].detail["path"] == "/spreadsheets/export/ledger.xlsx?status=rectifying&status=signed_off"
    assert entries[2].detail["code"] == hazards[0].code
