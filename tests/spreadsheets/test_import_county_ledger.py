"""A county's own ledger, as counties keep it: two title rows, a two-row header with a merged
group title, 所属单位 and 所在乡镇 by name, 是否重大, dates typed as text, 备注, a 序号 column,
a blank row, a 合计 row, a misspelt enterprise and a row with three problems."""
from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from accounts.choices import Role
from hazards.models import Hazard
from spreadsheets import services
from spreadsheets.choices import ImportMode, IssueKind
from spreadsheets.columns import HAZARD_COLUMNS
from tests.factories import EnterpriseFactory, credit_code, region, sector
from hazardtrack.errors import DomainError

from .conftest import validate
from .workbooks import hazard_file, hazard_row

HEADER = ["序号", "台账编号", "所属单位", "所在乡镇", "隐患内容", "是否重大", "发现日期", "整改措施",
          "整改落实情况", None, None, None, "销号时间", "备注", "检查人员"]
SUB_HEADER = [None] * 8 + ["整改责任人", "整改时限", "整改状态", "整改完成时间", None, None, None]
ROWS = {
    5: [1, "XS-2024-001", "新邵县示范矿业有限公司", "酿溪镇", "配电箱未接地", "否", "2024年3月5日", "加装接地线",
        "张三", "2024年4月5日", "未整改", None, None, "复查时重点看接地电阻", "李四、王五"],
    6: [2, "XS-2024-002", "新邵县化工厂", "严塘镇", "储罐区防雷设施未检测", "是", "2024.03.08", "委托检测",
        "赵六", "2024-04-08", "已整改", "2024/4/1", None, None, "李四"],
    7: [3, "XS-2024-003", "湘源石灰石矿", "酿溪镇", "边坡未按规定分台阶开采", "否", "2024-03-10", "按设计分台阶",
        "钱七", "2024年4月10日", "整改中", None, None, None, "王五"],
    8: [None] * 15,  # a blank line in the middle of the ledger
    9: [4, "XS-2024-004", "新邵县示范矿业有限公司", "酿溪镇", "消防通道堵塞", "否", "20240312", "清理通道",
        "张三", "2024-03-20", "已销号", "2024-03-18", "2024年3月25日", None, "李四"],
    10: [5, "XS-2024-005", "新邵县化工厂", "白云镇", "安全出口锁闭", "待定", "2024年13月5日", "打开安全出口",
         "赵六", "2024-05-01", "未整改", None, None, None, "李四"],
    11: ["合计", None, None, None, "共 5 条", None, None, None, None, None, None, None, None, None, None],
}


def county_ledger() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["新邵县2024年安全生产事故隐患排查治理台账"])
    sheet.merge_cells("A1:O1")
    sheet.append(["填报单位：新邵县应急管理局　　填报日期：2024年6月30日"])
    sheet.merge_cells("A2:O2")
    sheet.append(HEADER)
    sheet.append(SUB_HEADER)
    sheet.merge_cells("I3:L3")  # 整改落实情况 over its four columns
    for letter in "ABCDEFGHMNO":
        sheet.merge_cells(f"{letter}3:{letter}4")
    for number in range(5, 12):
        sheet.append(ROWS[number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def limestone(county):
    return EnterpriseFactory(name="新邵县湘源石灰石矿", credit_code=credit_code(7, "430522"),
                             region=region("430522100"), sector=sector("non_coal_mine"))


def test_a_county_ledger_is_read_as_the_county_wrote_it(county, limestone):
    job = validate(county.supervisor, county_ledger())
    assert job.status == "validated", job.failure
    # Rows 5, 6 and 9 are well-formed; row 7 waits for its enterprise; row 10 is broken;
    # the blank row 8 and the 合计 row 11 are skipped and counted.
    assert (job.total_rows, job.valid_rows, job.suggested_rows, job.error_rows, job.blank_rows) == (5, 3, 1, 1, 2)
    assert job.ignored_columns == ["序号", "检查人员"]

    errors = list(job.issues.filter(kind=IssueKind.ERROR).values_list("row", "column", "value", "message"))
    assert {e[0] for e in errors} == {10}, errors  # every well-formed row validates
    by_column = {column: (value, message) for _row, column, value, message in errors}
    assert len(errors) == 3 and set(by_column) == {"所在乡镇", "是否重大", "发现日期"}, errors
    assert by_column["所在乡镇"][0] == "白云镇" and "找不到名为“白云镇”" in by_column["所在乡镇"][1]
    assert by_column["是否重大"][0] == "待定" and "不是允许的值" in by_column["是否重大"][1]
    assert by_column["发现日期"][0] == "2024年13月5日" and "不是有效的日期" in by_column["发现日期"][1]

    [suggestion] = job.issues.filter(kind=IssueKind.SUGGESTION)
    assert (suggestion.row, suggestion.column, suggestion.value) == (7, "所属单位", "湘源石灰石矿")
    assert "您是否指：新邵县湘源石灰石矿" in suggestion.message
    assert suggestion.suggestion == {"enterprise": limestone.pk, "name": "新邵县湘源石灰石矿"}


def test_the_preview_names_what_is_not_imported_and_offers_the_suggestion(client, county, limestone):
    job = validate(county.supervisor, county_ledger())
    client.force_login(county.supervisor)
    page = client.get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "以下列不导入：“序号”、“检查人员”" in page
    assert 'data-testid="blank-rows">2<' in page
    assert "新邵县湘源石灰石矿" in page and f'name="accept" value="{job.issues.get(kind="suggestion").pk}"' in page


def test_an_accepted_suggestion_is_imported_with_the_registered_enterprise(client, county, limestone):
    job = validate(county.supervisor, county_ledger())
    suggestion = job.issues.get(kind=IssueKind.SUGGESTION)
    client.force_login(county.supervisor)
    response = client.post(reverse("spreadsheets:job-accept", args=[job.pk]), {"accept": [suggestion.pk]})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.valid_rows, job.suggested_rows) == (4, 0)
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)
    job = services.import_run(job_id=job.pk)
    assert (job.status, job.imported_rows) == ("done", 4), job.failure

    hazards = {h.original_code: h for h in Hazard.objects.filter(original_code__startswith="XS-2024-")}
    assert sorted(hazards) == ["XS-2024-001", "XS-2024-002", "XS-2024-003", "XS-2024-004"]
    assert hazards["XS-2024-003"].enterprise == limestone
    first = hazards["XS-2024-001"]
    assert (first.region_id, first.level, first.status, first.responsible_person) == (
        "430522100", "general", "rectifying", "张三")
    assert first.description.endswith("备注：复查时重点看接地电阻")
    assert str(first.current_deadline) == "2024-04-05"
    second = hazards["XS-2024-002"]
    assert (second.level, second.status, second.region_id) == ("major", "rectification_reported", "430522101")
    assert hazards["XS-2024-004"].status == "signed_off"


def test_all_or_nothing_waits_until_every_suggestion_is_accepted(client, county, limestone):
    job = validate(county.supervisor, hazard_file([hazard_row(original_code="A-1", enterprise_name="湘源石灰石矿"),
                                                    hazard_row(original_code="A-2", enterprise_name="湘源石灰石矿")]))
    assert (job.valid_rows, job.suggested_rows, job.error_rows) == (0, 2, 0)
    with pytest.raises(DomainError, match="有 2 行的单位名称待确认"):
        services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.ALL_OR_NOTHING)
    client.force_login(county.supervisor)
    assert client.post(reverse("spreadsheets:job-accept", args=[job.pk]), {"all": "1"}).status_code == 302
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.ALL_OR_NOTHING)
    job = services.import_run(job_id=job.pk)
    assert job.imported_rows == 2
    assert set(Hazard.objects.filter(original_code__startswith="A-").values_list("enterprise", flat=True)) == {limestone.pk}


def test_accepting_nothing_ticked_says_so(client, county, limestone):
    job = validate(county.supervisor, hazard_file([hazard_row(original_code="A-1", enterprise_name="湘源石灰石矿")]))
    client.force_login(county.supervisor)
    response = client.post(reverse("spreadsheets:job-accept", args=[job.pk]), {})
    assert response.status_code == 400 and "请勾选要接受的建议。" in response.content.decode()


def test_a_suggestion_not_accepted_is_never_applied(county, limestone):
    job = validate(county.supervisor, county_ledger())
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)
    job = services.import_run(job_id=job.pk)
    assert job.imported_rows == 3
    assert not Hazard.objects.filter(original_code="XS-2024-003").exists()
    assert job.issues.filter(row=7, kind=IssueKind.ERROR, at_import=True).exists()


def test_near_names_that_are_not_unique_are_listed_not_suggested(county, limestone):
    EnterpriseFactory(name="邵阳湘源石灰石矿", credit_code=credit_code(8, "430522"), region=region("430522101"))
    job = validate(county.supervisor, county_ledger())
    [issue] = job.issues.filter(row=7)
    assert issue.kind == IssueKind.ERROR and "相近的有：" in issue.message
    assert "新邵县湘源石灰石矿" in issue.message and "邵阳湘源石灰石矿" in issue.message


def test_a_close_spelling_is_suggested(county):
    EnterpriseFactory(name="新邵县湘源石炭石矿", credit_code=credit_code(9, "430522"), region=region("430522100"))
    job = validate(county.supervisor, county_ledger())
    [issue] = job.issues.filter(row=7)
    # 湘源石灰石矿 is not contained in 新邵县湘源石炭石矿 and too short for a close spelling of it
    assert issue.kind == IssueKind.ERROR
    EnterpriseFactory(name="湘源石炭石矿", credit_code=credit_code(10, "430522"), region=region("430522100"))
    job = validate(county.supervisor, county_ledger())
    [issue] = job.issues.filter(row=7)
    assert issue.kind == IssueKind.SUGGESTION and "您是否指：湘源石炭石矿" in issue.message


def test_only_someone_who_may_sign_off_imports_a_signed_off_hazard(county, limestone):
    assert county.inspector.role == Role.INSPECTOR
    job = validate(county.inspector, county_ledger())
    [issue] = job.issues.filter(row=9)
    assert issue.column == "整改状态" and "不能导入“已销号”的隐患" in issue.message


def test_the_template_help_sheet_lists_the_synonyms(client, county):
    from tests.spreadsheets.workbooks import read_sheets

    client.force_login(county.supervisor)
    response = client.get(reverse("spreadsheets:template", args=["hazards"]))
    guide = read_sheets(b"".join(response.streaming_content))["填写说明"]
    text = "\n".join(" ".join(str(c) for c in row if c) for row in guide)
    for word in ("所属单位", "单位名称", "企业名称", "所在乡镇", "乡镇街道", "是否重大", "整改责任人", "备注",
                 "已整改（按“申请复查”）", "未整改（按“整改中”）"):
        assert word in text, word
    assert [str(c.header) for c in HAZARD_COLUMNS][-1] == "备注"
