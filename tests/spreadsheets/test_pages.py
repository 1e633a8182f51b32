"""The import pages: upload, preview, choose, progress as JSON, error report, templates; and the
export buttons on the ledger and hazard pages. Celery runs inline here (`eager_tasks`)."""
from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hazards.models import Hazard
from spreadsheets.choices import ImportStatus
from spreadsheets.models import ImportJob
from tests.factories import HazardFactory, enterprise_contact

from .workbooks import ENTERPRISE_HEADERS, HAZARD_HEADERS, hazard_file, hazard_row, read_sheets, upload

pytestmark = pytest.mark.django_db


def post_file(client, content: bytes, kind: str = "hazards", name: str = "台账.xlsx"):
    return client.post("/spreadsheets/", {"kind": kind, "file": upload(content, name)})


def test_upload_preview_choose_and_import_on_the_pages(county, client, eager_tasks):
    client.force_login(county.supervisor)
    rows = [hazard_row(original_code="A", enterprise_name=county.mine.name),
            hazard_row(original_code="B", enterprise_name="无此单位"),
            hazard_row(original_code="C", enterprise_name=county.mine.name)]

    response = post_file(client, hazard_file(rows))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/spreadsheets/imports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "校验完成，等待确认" in page
    assert "在您的辖区内找不到名为“无此单位”的单位" in page
    assert f'/spreadsheets/imports/{job.pk}/errors.xlsx' in page
    assert 'name="mode"' in page

    response = client.post(f"/spreadsheets/imports/{job.pk}/start/", {"mode": "valid_rows"})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入完成" in page and 'data-testid="imported">2<' in page
    assert Hazard.objects.count() == 2


def test_choosing_all_or_nothing_with_errors_keeps_the_choice_and_explains(county, client, eager_tasks):
    client.force_login(county.supervisor)
    post_file(client, hazard_file([hazard_row(enterprise_name="无此单位")]))
    job = ImportJob.objects.get()

    response = client.post(f"/spreadsheets/imports/{job.pk}/start/", {"mode": "all_or_nothing"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "有 1 行存在错误，按“全部有效才导入”不会导入任何数据" in page
    assert re.search(r'value="all_or_nothing"[^>]*checked', page)  # what the user chose stays chosen


def test_a_bad_file_answers_on_the_upload_form(county, client, eager_tasks):
    client.force_login(county.supervisor)

    response = post_file(client, b"not a workbook", name="台账.txt")

    assert response.status_code == 400
    assert "这不是 Excel 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_wrong_template_fails_the_job_and_the_page_names_the_missing_columns(county, client, eager_tasks):
    client.force_login(county.supervisor)
    from .workbooks import xlsx_bytes

    post_file(client, xlsx_bytes(["隐患名称"] + HAZARD_HEADERS[3:6], [["x"]]))

    job = ImportJob.objects.get()
    page = client.get(f"/spreadsheets/imports/{job.pk}/").content.decode()
    assert job.status == ImportStatus.FAILED
    assert "表头缺少必填列：原台账编号、隐患等级、发现时间、状态" in page


def test_the_status_endpoint_reports_progress_for_the_polling_page(county, client, eager_tasks):
    client.force_login(county.supervisor)
    post_file(client, hazard_file([hazard_row(enterprise_name=county.mine.name)]))
    job = ImportJob.objects.get()

    data = client.get(f"/spreadsheets/imports/{job.pk}/status/").json()

    assert data == {"id": job.pk, "status": "validated", "status_label": "校验完成，等待确认", "running": False,
                    "processed": 1, "total": 1, "percent": 100, "valid": 1, "errors": 0, "skipped": 0, "imported": 0,
                    "failure": "", "stopped_at_row": None}


def test_a_running_job_page_has_the_progress_bar_wired_to_its_status(county, client):
    client.force_login(county.supervisor)
    job = ImportJob.objects.create(kind="hazards", uploaded_by=county.supervisor, region_id="430522",
                                   original_name="a.xlsx", status=ImportStatus.IMPORTING, total_rows=200,
                                   processed_rows=50)

    page = client.get(f"/spreadsheets/imports/{job.pk}/").content.decode()

    assert f'data-status-url="/spreadsheets/imports/{job.pk}/status/"' in page
    assert 'data-running="1"' in page and '<progress max="100" value="25"' in page
    assert "js/spreadsheets.js" in page and "<script>" not in page


def test_the_error_report_lists_every_problem_with_row_column_value_and_message(county, client, eager_tasks):
    client.force_login(county.supervisor)
    post_file(client, hazard_file([hazard_row(original_code="X", enterprise_name=county.mine.name, level="特大"),
                                   hazard_row(original_code="X", enterprise_name=county.mine.name)]))
    job = ImportJob.objects.get()

    response = client.get(f"/spreadsheets/imports/{job.pk}/errors.xlsx")

    rows = read_sheets(b"".join(response.streaming_content))["错误报告"]
    assert rows[0] == ("行号", "列", "值", "问题", "处理")
    assert rows[1] == (2, "隐患等级", "特大", "“特大”不是允许的值。可选：一般隐患、重大隐患。", "错误")


def test_another_countys_job_is_not_found(county, client, eager_tasks):
    client.force_login(county.supervisor)
    post_file(client, hazard_file([hazard_row(enterprise_name=county.mine.name)]))
    job = ImportJob.objects.get()
    client.force_login(county.neighbour_supervisor)

    for url in ("", "status/", "errors.xlsx"):
        assert client.get(f"/spreadsheets/imports/{job.pk}/{url}").status_code == 404
    assert client.post(f"/spreadsheets/imports/{job.pk}/start/", {"mode": "valid_rows"}).status_code == 404
    assert str(job.original_name) not in client.get("/spreadsheets/").content.decode()


def test_a_colleague_in_the_same_county_sees_the_job(county, client, eager_tasks):
    client.force_login(county.supervisor)
    post_file(client, hazard_file([hazard_row(enterprise_name=county.mine.name)]), name="新邵台账.xlsx")
    client.force_login(county.inspector)

    assert "新邵台账.xlsx" in client.get("/spreadsheets/").content.decode()


def test_an_enterprise_contact_cannot_import(county, client, eager_tasks):
    client.force_login(enterprise_contact(county.mine))

    page = client.get("/spreadsheets/").content.decode()
    response = post_file(client, hazard_file([hazard_row()]))

    assert "上传并校验" not in page and "导出" in page
    assert response.status_code == 400
    assert "您的角色（企业整改责任人）不能导入隐患台账" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_inspector_imports_hazards_but_not_enterprises(county, client, eager_tasks):
    client.force_login(county.inspector)

    response = post_file(client, hazard_file([hazard_row()]), kind="enterprises")

    assert response.status_code == 400
    assert "您的角色（检查员）不能导入生产经营单位" in response.content.decode()


def test_the_template_has_chinese_headers_drop_downs_and_instructions(county, client):
    client.force_login(county.supervisor)

    response = client.get("/spreadsheets/templates/hazards.xlsx")

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["填写说明", "隐患台账", "选项"]
    data = workbook["隐患台账"]
    assert [c.value for c in data[1]] == HAZARD_HEADERS
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    columns = {h: data.cell(row=1, column=i + 1).column_letter for i, h in enumerate(HAZARD_HEADERS)}
    for header in ("隐患等级", "隐患类别", "行业领域", "隐患来源", "状态"):
        assert f"{columns[header]}2" in lists, header
    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    values = {options.cell(row=1, column=c).value: [options.cell(row=r, column=c).value for r in range(2, 12)]
              for c in range(1, options.max_column + 1)}
    assert values["隐患等级"][:2] == ["一般隐患", "重大隐患"]
    assert "已销号" in values["状态"] and "工贸" in values["行业领域"]
    guide = [r[0] for r in workbook["填写说明"].iter_rows(values_only=True)]
    assert any("原台账编号用于防止重复导入" in (r or "") for r in guide)
    enterprises = load_workbook(io.BytesIO(b"".join(client.get("/spreadsheets/templates/enterprises.xlsx").streaming_content)))
    assert [c.value for c in enterprises["单位名录"][1]] == ENTERPRISE_HEADERS


def test_a_filled_in_template_imports(county, client):
    client.force_login(county.supervisor)
    workbook = load_workbook(io.BytesIO(b"".join(client.get("/spreadsheets/templates/hazards.xlsx").streaming_content)))
    workbook["隐患台账"].append(hazard_row(enterprise_name=county.mine.name))
    buffer = io.BytesIO()
    workbook.save(buffer)

    from .conftest import import_file

    assert import_file(county.supervisor, buffer.getvalue()).imported_rows == 1


def test_the_ledger_and_the_hazard_page_offer_exports_of_what_they_show(county, client):
    hazard = HazardFactory(enterprise=county.mine)
    client.force_login(county.supervisor)

    ledger = client.get("/hazards/?status=reported&level=general").content.decode()
    detail = client.get(f"/hazards/{hazard.pk}/").content.decode()
    nav = client.get("/").content.decode()

    assert 'href="/spreadsheets/export/ledger.xlsx?status=reported&amp;level=general"' in ledger
    assert 'href="/spreadsheets/export/ledger.csv?status=reported&amp;level=general"' in ledger
    assert f'href="/spreadsheets/export/hazards/{hazard.pk}.xlsx"' in detail
    assert 'href="/spreadsheets/">Excel导入</a>' in nav


def test_the_command_imports_a_file_in_the_foreground(county, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(hazard_file([hazard_row(original_code="A", enterprise_name=county.mine.name),
                                  hazard_row(original_code="B", enterprise_name="无此单位")]))

    call_command("import_ledger", str(path), "--user", county.supervisor.username)

    out = capsys.readouterr().out
    assert "validated: rows 2, valid 1, errors 1" in out and "done: rows 2" in out and "imported 1" in out
    assert "row 3 [生产经营单位]" in out
    assert Hazard.objects.count() == 1


def test_the_import_page_lists_recent_jobs_in_the_same_queries_for_10_and_100(county, client):
    client.force_login(county.supervisor)

    def queries(n: int) -> int:
        ImportJob.objects.bulk_create([
            ImportJob(kind="hazards", uploaded_by=county.inspector, region_id="430522", original_name=f"{i}.xlsx")
            for i in range(n - ImportJob.objects.count())])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/spreadsheets/").status_code == 200
        return len(captured)

    assert queries(10) == queries(100)
