"""Importing an office's existing hazard ledger (台账): every row checked, the user's choice of
valid rows or all-or-nothing, normal codes and audit events, idempotent by the old code."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from hazards.choices import EventAction, HazardStatus
from hazards.models import Hazard, HazardCodeSequence, HazardEvent
from hazardtrack.errors import DomainError
from spreadsheets import services
from spreadsheets.choices import ImportMode, ImportStatus, IssueKind

from tests.factories import credit_code

from .conftest import import_file, messages, validate
from .workbooks import HAZARD_HEADERS, hazard_file, hazard_row, xlsx_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
UNKNOWN_CODE = credit_code(77, "430522")  # valid, but no such enterprise
BAD_CHECK_CODE = UNKNOWN_CODE[:17] + ("0" if UNKNOWN_CODE[17] != "0" else "1")


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_a_ledger_in_every_status_comes_in_with_codes_events_and_consistent_fields(county):
    mine, plant = county.mine, county.plant
    rows = [
        hazard_row(original_code="XS-001", title="配电箱未接地", enterprise_name=mine.name, status="已上报",
                   current_deadline=None),
        hazard_row(original_code="XS-002", credit_code=plant.credit_code, status="整改中", level="重大隐患",
                   original_deadline=D(2024, 4, 1), current_deadline=D(2024, 5, 1), funds_planned=12000.5,
                   responsible_person="王厂长", responsible_phone=13800000000),
        hazard_row(original_code="XS-003", credit_code=mine.credit_code, status="已销号", category="管理缺陷",
                   source="群众举报", current_deadline=D(2024, 3, 20), rectified_at=D(2024, 3, 18),
                   signed_off_at=D(2024, 3, 25), rectification_report="已加装接地线", funds_spent="3,000元"),
        hazard_row(original_code="XS-004", region="430522101", sector="消防", status="不予认定",
                   current_deadline=None, rejection_reason="重复上报"),
        hazard_row(original_code="XS-005", enterprise_name=mine.name, status="复查通过", found_at=D(2024, 3, 5),
                   current_deadline=D(2024, 3, 5), verified_at=D(2024, 3, 5)),
    ]

    job = import_file(county.supervisor, hazard_file(rows), name="2024年隐患台账.xlsx")

    assert job.status == ImportStatus.DONE, job.failure
    assert (job.total_rows, job.valid_rows, job.error_rows, job.skipped_rows, job.imported_rows) == (5, 5, 0, 0, 5)
    hazards = {h.original_code: h for h in Hazard.objects.all()}
    assert sorted(h.code for h in hazards.values()) == [f"YH-430522-2024-{n:06d}" for n in range(1, 6)]

    reported = hazards["XS-001"]
    assert (reported.status, reported.enterprise, reported.region_id, reported.sector_id) == (
        HazardStatus.REPORTED, mine, mine.region_id, mine.sector_id)
    assert reported.found_at == local(2024, 3, 5, 9, 30)
    assert reported.current_deadline is None and reported.confirmed_at is None

    rectifying = hazards["XS-002"]
    assert (rectifying.level, rectifying.original_deadline, rectifying.current_deadline) == (
        "major", D(2024, 4, 1), D(2024, 5, 1))
    assert rectifying.responsible_unit == plant.name  # defaults to the enterprise
    assert (rectifying.responsible_phone, rectifying.funds_planned) == ("13800000000", Decimal("12000.50"))
    assert rectifying.assigned_at == rectifying.confirmed_at == rectifying.found_at

    signed = hazards["XS-003"]
    assert (signed.category, signed.source, signed.funds_spent) == ("management_defect", "tipoff", Decimal("3000.00"))
    assert signed.rectification_reported_at == local(2024, 3, 18)
    assert signed.verified_at == local(2024, 3, 25)  # no verification date: the sign-off day
    assert signed.signed_off_at == local(2024, 3, 25)

    rejected = hazards["XS-004"]
    assert (rejected.enterprise, rejected.region_id, rejected.sector_id, rejected.rejection_reason) == (
        None, "430522101", "fire", "重复上报")

    verified = hazards["XS-005"]
    # Same day as found (midnight): completion times never precede the discovery.
    assert verified.rectification_reported_at == verified.verified_at == local(2024, 3, 5)

    events = HazardEvent.objects.filter(hazard__in=hazards.values())
    assert events.count() == 5
    event = events.get(hazard=signed)
    assert (event.action, event.actor, event.to_status) == (EventAction.IMPORTED, county.supervisor, HazardStatus.SIGNED_OFF)
    assert event.comment == "从“2024年隐患台账.xlsx”第 4 行导入"


def test_the_same_file_imported_again_adds_nothing(county):
    content = hazard_file([hazard_row(original_code=f"XS-{n}", enterprise_name=county.mine.name) for n in range(3)])
    import_file(county.supervisor, content)

    again = validate(county.supervisor, content)

    assert (again.valid_rows, again.skipped_rows, again.error_rows) == (0, 3, 0)
    assert all(i.kind == IssueKind.SKIPPED for i in again.issues.all())
    assert "已导入过（隐患编号 YH-430522-2024-" in again.issues.first().message
    with pytest.raises(DomainError, match="没有可导入的有效行"):
        services.import_start(job_id=again.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)
    assert Hazard.objects.count() == 3


def test_a_second_preview_taken_before_the_first_import_still_imports_nothing_twice(county):
    content = hazard_file([hazard_row(original_code=f"XS-{n}", enterprise_name=county.mine.name) for n in range(3)])
    first = validate(county.supervisor, content)
    second = validate(county.inspector, content)
    for job in (first, second):
        services.import_start(job_id=job.pk, actor=job.uploaded_by, mode=ImportMode.VALID_ROWS)

    services.import_run(job_id=first.pk)
    second = services.import_run(job_id=second.pk)

    assert Hazard.objects.count() == 3
    assert (second.status, second.imported_rows, second.skipped_rows) == (ImportStatus.DONE, 0, 3)
    assert second.issues.filter(at_import=True).count() == 3


def test_the_same_old_code_in_another_county_is_a_different_hazard(county):
    import_file(county.supervisor, hazard_file([hazard_row(original_code="2024-001", enterprise_name=county.mine.name)]))

    job = import_file(county.neighbour_supervisor, hazard_file([
        hazard_row(original_code="2024-001", credit_code=county.neighbour_enterprise.credit_code)]))

    assert job.imported_rows == 1
    assert Hazard.objects.filter(original_code="2024-001").count() == 2


def test_valid_rows_mode_imports_the_good_rows_and_reports_the_bad(county):
    rows = [hazard_row(original_code="OK-1", enterprise_name=county.mine.name),
            hazard_row(original_code="BAD-1", enterprise_name="不存在的单位"),
            hazard_row(original_code="OK-2", enterprise_name=county.mine.name)]

    job = import_file(county.supervisor, hazard_file(rows), mode=ImportMode.VALID_ROWS)

    assert (job.status, job.imported_rows, job.error_rows) == (ImportStatus.DONE, 2, 1)
    assert set(Hazard.objects.values_list("original_code", flat=True)) == {"OK-1", "OK-2"}


def test_all_or_nothing_refuses_a_file_with_any_bad_row(county):
    rows = [hazard_row(original_code="OK-1", enterprise_name=county.mine.name),
            hazard_row(original_code="BAD-1", found_at="2024-13-45", enterprise_name=county.mine.name)]
    job = validate(county.supervisor, hazard_file(rows))

    with pytest.raises(DomainError, match="有 1 行存在错误") as refused:
        services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.ALL_OR_NOTHING)

    assert refused.value.field == "mode"
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED
    assert Hazard.objects.count() == 0


def test_all_or_nothing_with_every_row_valid_imports_them_all(county):
    rows = [hazard_row(original_code=f"OK-{n}", enterprise_name=county.mine.name) for n in range(4)]

    job = import_file(county.supervisor, hazard_file(rows), mode=ImportMode.ALL_OR_NOTHING)

    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 4)


def test_all_or_nothing_stops_when_a_row_turned_bad_after_the_preview_and_imports_nothing(county):
    other = type(county.mine).objects.create(
        name="临时单位", credit_code=UNKNOWN_CODE, region_id="430522100", sector_id="other")
    rows = [hazard_row(original_code="OK-1", enterprise_name=county.mine.name),
            hazard_row(original_code="OK-2", credit_code=other.credit_code)]
    job = validate(county.supervisor, hazard_file(rows))
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.ALL_OR_NOTHING)
    other.delete()  # gone between the preview and the import

    job = services.import_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert job.stopped_at_row == 3
    assert "没有导入任何数据" in job.failure and "第 3 行在导入时已不再有效" in job.failure
    assert Hazard.objects.count() == 0


@pytest.mark.postgres
def test_a_database_failure_midway_rolls_back_every_row_and_says_where_it_stopped(county):
    with connection.cursor() as cursor:  # the database itself refuses one row, as a broken disk might
        cursor.execute("""
            CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN
              IF NEW.title = 'BOOM' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_boom BEFORE INSERT ON hazards_hazard FOR EACH ROW EXECUTE FUNCTION refuse_boom();
        """)
    rows = [hazard_row(original_code=f"R-{n}", enterprise_name=county.mine.name, title="BOOM" if n == 1500 else "隐患")
            for n in range(2000)]
    job = validate(county.supervisor, hazard_file(rows))
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)

    job = services.import_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert job.stopped_at_row == 1002  # the second batch: rows 1002–2001
    assert "导入第 1002—2001 行时数据库拒绝写入：disk full" in job.failure
    assert Hazard.objects.count() == 0 and HazardEvent.objects.count() == 0
    # Retrying after the cause is removed imports everything.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_boom ON hazards_hazard")
    services.import_start(job_id=job.pk, actor=county.supervisor, mode=ImportMode.VALID_ROWS)
    job = services.import_run(job_id=job.pk)
    assert (job.status, job.imported_rows, Hazard.objects.count()) == (ImportStatus.DONE, 2000, 2000)


def test_codes_are_reserved_a_county_and_year_at_a_time(county):
    rows = [hazard_row(original_code=f"A-{n}", enterprise_name=county.mine.name, found_at=D(2023 + n % 2, 5, 1),
                       current_deadline=D(2025, 1, 1)) for n in range(6)]
    rows.append(hazard_row(original_code="B-1", credit_code=county.neighbour_enterprise.credit_code))
    city = county.supervisor.__class__.objects.create(username="city", role="supervisor", region_id="4305")

    import_file(city, hazard_file(rows))

    assert list(HazardCodeSequence.objects.values_list("county_code", "year", "last").order_by("county_code", "year")) == [
        ("430522", 2023, 3), ("430522", 2024, 3), ("430523", 2024, 1)]
    assert set(Hazard.objects.filter(region__code__startswith="430522").values_list("code", flat=True)) == {
        f"YH-430522-{year}-{n:06d}" for year in (2023, 2024) for n in (1, 2, 3)}


def test_an_existing_hazard_keeps_counting_after_imported_codes(county):
    import_file(county.supervisor, hazard_file([hazard_row(original_code="A-1", enterprise_name=county.mine.name,
                                                           found_at=timezone.localdate(), status="已上报",
                                                           current_deadline=None)]))
    from hazards.services import hazard_create

    hazard = hazard_create(actor=county.inspector, data={"title": "新隐患", "enterprise": county.mine})

    assert hazard.code.endswith("-000002")


# --- each kind of bad row ----------------------------------------------------------------

BAD_ROWS = [
    ({"title": None}, "隐患名称", "必填，不能为空。"),
    ({"title": "长" * 201}, "隐患名称", "内容过长：最多 200 个字，当前 201 个字。"),
    ({"found_at": "2024-02-30"}, "发现时间", "“2024-02-30”不是有效的日期。请填写如 2024-03-05 的日期。"),
    ({"found_at": datetime.date.today() + datetime.timedelta(days=3), "current_deadline": None, "status": "已上报"},
     "发现时间", "日期不能晚于今天。"),
    ({"region": "43052", "enterprise_name": None}, "所属区划代码", "区划代码应为6位（区县）、9位（乡镇街道）或12位（村社区）数字。"),
    ({"region": "430522999", "enterprise_name": None, "sector": "工贸"}, "所属区划代码", "区划代码 430522999 不存在。"),
    ({"region": "430523", "enterprise_name": None, "sector": "工贸"}, "所属区划代码", "区划 430523 不在您的辖区内。"),
    ({"credit_code": BAD_CHECK_CODE, "enterprise_name": None}, "统一社会信用代码",
     f"统一社会信用代码校验位错误：末位应为 {UNKNOWN_CODE[17]}，实际为 {BAD_CHECK_CODE[17]}。"),
    ({"credit_code": "91430522", "enterprise_name": None}, "统一社会信用代码", "统一社会信用代码应为18位，当前为8位。"),
    ({"credit_code": UNKNOWN_CODE, "enterprise_name": None}, "统一社会信用代码",
     f"在您的辖区内找不到统一社会信用代码为 {UNKNOWN_CODE} 的单位（可先导入单位名录）。"),
    ({"enterprise_name": "邵阳县某厂"}, "生产经营单位",
     "在您的辖区内找不到名为“邵阳县某厂”的单位，请核对全称或填写统一社会信用代码。"),
    ({"enterprise_name": None}, "所属区划代码", "请填写所属区划代码，或填写生产经营单位/统一社会信用代码。"),
    ({"region": "430522100", "enterprise_name": None}, "行业领域", "请填写行业领域（无单位时必填）。"),
    ({"sector": "农业"}, "行业领域", "行业领域“农业”不存在。"),
    ({"level": "较大隐患"}, "隐患等级", "“较大隐患”不是允许的值。可选：一般隐患、重大隐患。"),
    ({"status": "处理中"}, "状态", "“处理中”不是允许的值。"),
    ({"current_deadline": D(2024, 3, 1)}, "整改期限", "整改期限（2024-03-01）早于发现日期（2024-03-05）。"),
    ({"original_deadline": D(2024, 5, 1), "current_deadline": D(2024, 4, 1)}, "整改期限", "整改期限不能早于原整改期限（2024-05-01）。"),
    ({"current_deadline": None}, "整改期限", "状态为“整改中”时须填写整改期限。"),
    ({"status": "已上报"}, "整改期限", "状态为“已上报”的隐患尚未交办，不应填写整改期限。"),
    ({"status": "已销号"}, "销号日期", "状态为“已销号”时须填写“销号日期”。"),
    ({"status": "复查通过"}, "复查日期", "状态为“复查通过”时须填写“复查日期”。"),
    ({"status": "申请复查"}, "整改完成日期", "状态为“申请复查”时须填写“整改完成日期”。"),
    ({"signed_off_at": D(2024, 4, 1)}, "销号日期", "状态为“整改中”时不应填写“销号日期”。"),
    ({"status": "已销号", "verified_at": D(2024, 3, 20), "signed_off_at": D(2024, 3, 10)}, "销号日期",
     "“销号日期”（2024-03-10）早于“复查日期”（2024-03-20）。"),
    ({"status": "不予认定", "current_deadline": None}, "不予认定理由", "状态为“不予认定”时须填写不予认定理由。"),
    ({"funds_planned": -5}, "计划整改资金（元）", "不能小于 0。"),
    ({"funds_planned": "五千"}, "计划整改资金（元）", "“五千”不是数字。"),
    ({"original_code": None}, "原台账编号", "必填，不能为空。"),
]


@pytest.mark.parametrize("values, column, message", BAD_ROWS, ids=[m for _v, _c, m in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_with_its_column_and_a_chinese_message(county, values, column, message):
    values = {"enterprise_name": county.mine.name, **values}
    job = validate(county.supervisor, hazard_file([hazard_row(original_code="OK", enterprise_name=county.mine.name),
                                                   hazard_row(**{"original_code": "BAD", **values})]))

    assert (job.status, job.total_rows, job.valid_rows, job.error_rows) == (ImportStatus.VALIDATED, 2, 1, 1)
    found = [(row, col, text) for row, col, text in messages(job)]
    assert any(row == 3 and col == column and text.startswith(message) for row, col, text in found), found


def test_a_duplicate_old_code_in_the_same_file_is_reported_on_the_later_row(county):
    job = validate(county.supervisor, hazard_file([hazard_row(original_code="D-1", enterprise_name=county.mine.name),
                                                   hazard_row(original_code="D-1", enterprise_name=county.mine.name)]))

    assert messages(job) == [(3, "原台账编号", "与第 2 行重复，同一文件中不能出现两次。")]


def test_two_enterprises_of_the_same_name_need_the_credit_code(county):
    type(county.mine).objects.create(name=county.mine.name, credit_code=UNKNOWN_CODE,
                                     region_id="430522101", sector_id="other")

    job = validate(county.supervisor, hazard_file([hazard_row(enterprise_name=county.mine.name)]))

    assert messages(job) == [(2, "生产经营单位", f"辖区内有 2 个名为“{county.mine.name}”的单位，请填写统一社会信用代码以区分。")]


def test_chinese_short_forms_english_values_dates_as_text_and_a_title_line_are_accepted(county):
    headers = [h + ("*" if h in ("隐患名称", "状态") else "") for h in HAZARD_HEADERS]
    row = hazard_row(original_code=20240001, enterprise_name=county.mine.name, level="重大", category="环境",
                     source="self_report", found_at="2024年3月5日", status="rectifying", current_deadline="2024/4/5",
                     funds_planned="1,200")
    content = xlsx_bytes(headers, [row], above=[["新邵县2024年隐患排查治理台账"], []])

    job = import_file(county.supervisor, content)

    assert job.status == ImportStatus.DONE, messages(job)
    hazard = Hazard.objects.get()
    assert (hazard.original_code, hazard.level, hazard.category, hazard.source) == (
        "20240001", "major", "environment", "self_report")
    assert (hazard.found_at, hazard.current_deadline, hazard.funds_planned) == (
        local(2024, 3, 5), D(2024, 4, 5), Decimal("1200.00"))


def test_rows_are_numbered_as_excel_shows_them_and_blank_rows_are_ignored(county):
    content = xlsx_bytes(HAZARD_HEADERS, [hazard_row(enterprise_name=county.mine.name, original_code="A"), [None] * 3,
                                          ["  "], hazard_row(enterprise_name="无此单位", original_code="B")],
                         above=[["标题"]])

    job = validate(county.supervisor, content)

    assert job.total_rows == 2
    assert [row for row, _c, _m in messages(job)] == [6]


def test_a_region_in_another_county_than_the_enterprise_is_refused(county):
    city = county.supervisor.__class__.objects.create(username="city", role="supervisor", region_id="4305")

    job = validate(city, hazard_file([hazard_row(enterprise_name=county.mine.name, region="430523100")]))

    assert messages(job) == [(2, "所属区划代码", "所属区划与该单位所在区县（430522）不一致。")]


def test_an_inspector_cannot_import_into_another_county_even_by_naming_its_enterprise(county):
    job = validate(county.inspector, hazard_file([hazard_row(credit_code=county.neighbour_enterprise.credit_code)]))

    assert job.valid_rows == 0
    assert "在您的辖区内找不到统一社会信用代码" in messages(job)[0][2]
