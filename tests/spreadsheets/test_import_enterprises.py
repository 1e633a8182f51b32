"""Importing an enterprise list (单位名录): credit codes checked, regions within jurisdiction,
already-registered units skipped; then hazards can name the new units."""
from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Enterprise
from hazards.models import Hazard
from spreadsheets.choices import ImportStatus
from tests.factories import credit_code

from .conftest import import_file, messages, validate
from .workbooks import ENTERPRISE_HEADERS, enterprise_row, hazard_file, hazard_row, xlsx_bytes

pytestmark = pytest.mark.django_db

NEW = [credit_code(500 + n, "430522") for n in range(4)]


def enterprise_file(rows) -> bytes:
    return xlsx_bytes(ENTERPRISE_HEADERS, rows, title="单位名录")


def test_a_list_of_units_comes_in_and_hazards_can_then_name_them(county):
    rows = [
        enterprise_row(name="新邵县甲矿业有限公司", credit_code=NEW[0].lower(), region=430522100, sector="非煤矿山",
                       risk_colour="红色", address="酿溪镇1号", contact_name="李四", contact_phone=13900000000,
                       latitude=27.31, longitude="111.45"),
        enterprise_row(name="新邵县乙加油站", credit_code=NEW[1], region="430522101", sector="hazchem"),
    ]

    job = import_file(county.supervisor, enterprise_file(rows), kind="enterprises")

    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 2)
    first = Enterprise.objects.get(credit_code=NEW[0])
    assert (first.name, first.region_id, first.sector_id, first.risk_colour) == (
        "新邵县甲矿业有限公司", "430522100", "non_coal_mine", "red")
    assert (first.contact_phone, first.latitude, first.longitude) == ("13900000000", Decimal("27.310000"), Decimal("111.450000"))
    assert Enterprise.objects.get(credit_code=NEW[1]).risk_colour == "blue"

    hazards = import_file(county.supervisor, hazard_file([hazard_row(enterprise_name="新邵县乙加油站")]))
    assert hazards.imported_rows == 1
    assert Hazard.objects.get().enterprise.credit_code == NEW[1]


def test_units_already_registered_here_are_skipped_and_elsewhere_refused(county):
    rows = [enterprise_row(name="示范矿业", credit_code=county.mine.credit_code, region="430522100", sector="工贸"),
            enterprise_row(name="邻县厂", credit_code=county.neighbour_enterprise.credit_code, region="430522100",
                           sector="工贸")]

    job = validate(county.supervisor, enterprise_file(rows), kind="enterprises")

    assert (job.valid_rows, job.skipped_rows, job.error_rows) == (0, 1, 1)
    assert messages(job) == [(2, "统一社会信用代码", "该单位已登记，本行跳过。"),
                             (3, "统一社会信用代码", "该统一社会信用代码不能由您登记，请核对代码，或联系上级管理员处理。")]


@pytest.mark.parametrize("values, column, message", [
    ({"name": None}, "单位名称", "必填，不能为空。"),
    ({"credit_code": NEW[2][:17] + ("0" if NEW[2][17] != "0" else "1")}, "统一社会信用代码", "统一社会信用代码校验位错误"),
    ({"credit_code": "91430522MA4L0000IO"}, "统一社会信用代码", "统一社会信用代码含有不允许的字符：I、O"),
    ({"region": "430523"}, "所属区划代码", "区划 430523 不在您的辖区内。"),
    ({"region": "430522777"}, "所属区划代码", "区划代码 430522777 不存在。"),
    ({"region": None}, "所属区划代码", "必填，不能为空。"),
    ({"sector": "养殖"}, "行业领域", "行业领域“养殖”不存在。"),
    ({"risk_colour": "紫"}, "风险等级", "“紫”不是允许的值。可选：红、橙、黄、蓝。"),
    ({"latitude": 123}, "纬度", "不能大于 90。"),
])
def test_each_kind_of_bad_unit_row_is_reported(county, values, column, message):
    row = {"name": "新单位", "credit_code": NEW[3], "region": "430522100", "sector": "工贸", **values}

    job = validate(county.supervisor, enterprise_file([enterprise_row(**row)]), kind="enterprises")

    assert job.valid_rows == 0
    assert any(col == column and text.startswith(message) for _r, col, text in messages(job)), messages(job)


def test_a_credit_code_twice_in_the_file_is_reported_on_the_second(county):
    row = enterprise_row(name="新单位", credit_code=NEW[3], region="430522100", sector="工贸")

    job = validate(county.supervisor, enterprise_file([row, row]), kind="enterprises")

    assert messages(job) == [(3, "统一社会信用代码", "与第 2 行重复，同一文件中不能出现两次。")]
