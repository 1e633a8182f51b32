"""Files that are not a usable ledger are refused with a message that says what is wrong."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from hazardtrack.errors import DomainError
from spreadsheets import services
from spreadsheets.choices import ImportStatus

from .conftest import validate
from .workbooks import HAZARD_HEADERS, hazard_file, hazard_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def refused_upload(county, content: bytes, name: str = "台账.xlsx") -> DomainError:
    with pytest.raises(DomainError) as refused:
        services.import_job_create(actor=county.supervisor, kind="hazards", upload=upload(content, name))
    assert refused.value.field == "file"
    return refused.value


def test_a_file_that_is_not_excel_is_refused_on_upload(county):
    error = refused_upload(county, "序号,隐患名称\n1,配电箱\n".encode("gbk"), "台账.csv")

    assert error.code == "not_excel"
    assert str(error) == "这不是 Excel 文件。请上传 .xlsx 格式的工作簿（可先下载导入模板）。"


def test_a_password_protected_workbook_is_refused_on_upload(county):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(hazard_file([hazard_row()]))).encrypt("secret", encrypted)

    error = refused_upload(county, encrypted.getvalue())

    assert error.code == "encrypted"
    assert "该工作簿设置了打开密码" in str(error)


def test_an_old_xls_workbook_is_refused_with_how_to_convert_it(county):
    # An OLE compound file without encryption streams: what Excel 97–2003 writes.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 2048

    error = refused_upload(county, ole, "台账.xls")

    assert error.code == "legacy_xls"
    assert "另存为” .xlsx" in str(error)


def test_an_empty_upload_is_refused(county):
    assert refused_upload(county, b"").code == "empty_file"


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(county, settings):
    settings.SPREADSHEETS_UPLOAD_MAX_BYTES = 1024 * 1024

    error = refused_upload(county, b"PK\x03\x04" + b"\x00" * (1024 * 1024 + 10))

    assert error.code == "too_large"
    assert "不能超过 1 MB" in str(error)


def failed(job) -> str:
    assert job.status == ImportStatus.FAILED
    assert not job.staged
    return job.failure


def test_a_damaged_zip_fails_validation_clearly(county):
    content = hazard_file([hazard_row()])

    job = validate(county.supervisor, content[: len(content) // 2])

    assert failed(job) == "文件已损坏或不是 Excel 工作簿，无法打开。请用 Excel 打开后另存为 .xlsx 再上传。"


def test_a_word_document_renamed_to_xlsx_is_not_a_workbook(county):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<document/>")

    job = validate(county.supervisor, buffer.getvalue())

    assert "不是 Excel 工作簿" in failed(job)


def test_a_wrong_template_names_the_missing_columns(county):
    content = xlsx_bytes(["隐患名称", "发现时间", "备注"], [["配电箱未接地", "2024-03-05", ""]])

    job = validate(county.supervisor, content)

    assert failed(job) == "表头缺少必填列：原台账编号、隐患等级、状态。请使用导入模板，或在第 1 行补上这些列。"


def test_a_sheet_with_no_recognisable_header_says_so(county):
    job = validate(county.supervisor, xlsx_bytes(["序号", "名称", "日期"], [[1, "某某", "2024-01-01"]]))

    assert failed(job).startswith("找不到表头行：前 5 行中没有可识别的列名。这不是隐患台账导入模板")


def test_the_enterprise_template_uploaded_as_hazards_is_a_wrong_template(county):
    from .workbooks import ENTERPRISE_HEADERS

    job = validate(county.supervisor, xlsx_bytes(ENTERPRISE_HEADERS, [["某厂"]], title="单位名录"))

    assert "表头缺少必填列：原台账编号、隐患名称、隐患等级、发现时间、状态" in failed(job)


def test_an_empty_sheet_is_refused(county):
    job = validate(county.supervisor, xlsx_bytes(None, []))

    assert failed(job) == "工作表“隐患台账”是空的，没有任何内容。"


def test_a_template_with_only_its_header_has_no_rows_to_import(county):
    job = validate(county.supervisor, xlsx_bytes(HAZARD_HEADERS, []))

    assert failed(job) == "工作表“隐患台账”在表头（第 1 行）下面没有数据行。"


def test_a_million_row_sheet_is_refused_from_its_dimension_without_reading_the_rows(county):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "隐患台账"
    sheet.append(HAZARD_HEADERS)
    sheet.cell(row=1_000_001, column=1, value="最后一行")  # Excel records the used range A1:Z1000001
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = validate(county.supervisor, buffer.getvalue())

    assert failed(job) == "工作表共有 1,000,000 行数据，超过单次导入上限 200,000 行，请拆分为多个文件分批导入。"


def test_a_sheet_without_a_dimension_is_counted_and_refused_over_the_limit(county, settings):
    settings.SPREADSHEETS_MAX_ROWS = 50
    # openpyxl's write-only mode records no dimension: the rows are counted in the XML instead.
    content = xlsx_bytes(HAZARD_HEADERS, [hazard_row(original_code=str(n)) for n in range(51)], write_only=True)

    job = validate(county.supervisor, content)

    assert failed(job) == "数据超过单次导入上限 50 行，请拆分为多个文件分批导入。"


def test_a_sheet_at_the_limit_is_accepted(county, settings):
    settings.SPREADSHEETS_MAX_ROWS = 50
    content = xlsx_bytes(HAZARD_HEADERS, [hazard_row(original_code=str(n), enterprise_name=county.mine.name)
                                          for n in range(50)], write_only=True)

    job = validate(county.supervisor, content)

    assert (job.status, job.total_rows, job.valid_rows) == (ImportStatus.VALIDATED, 50, 50)


def test_the_data_sheet_is_found_by_name_behind_an_instructions_sheet(county):
    workbook = Workbook()
    workbook.active.title = "填写说明"
    workbook.active.append(["请按模板填写"])
    sheet = workbook.create_sheet("隐患台账")
    sheet.append(HAZARD_HEADERS)
    sheet.append(hazard_row(enterprise_name=county.mine.name))
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = validate(county.supervisor, buffer.getvalue())

    assert (job.status, job.valid_rows) == (ImportStatus.VALIDATED, 1)
