"""The dashboard page and its exports: jurisdiction, input errors, query counts, file contents."""
from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.choices import Role
from hazards.choices import HazardStatus
from hazardtrack.dates import local_today
from tests.factories import EnterpriseFactory, UserFactory, enterprise_contact, inspector, region, supervisor

from .conftest import hazard, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_data():
    today = local_today()
    region("430522100", "酿溪镇")
    region("430524", "隆回县")  # a county with nothing found
    hazard("430522100", found=local(today), status=HazardStatus.SIGNED_OFF, deadline=today.isoformat(),
           signed_off=local(today, 11))
    hazard("430522100", found=local(today))
    hazard("430523100", found=local(today))  # 邵阳县, another county


def test_county_supervisor_sees_own_county(client, county_data):
    client.force_login(supervisor("430522"))
    page = client.get("/supervision/")
    assert page.status_code == 200
    assert page.context["board"].headline.found == 2
    assert page.context["board"].region.code == "430522"


@pytest.mark.parametrize("url", [
    "/supervision/?region=430523",      # the neighbouring county
    "/supervision/?region=4305",        # the city above
    "/supervision/?region=43",
    "/supervision/?region=430523100",   # a township of the neighbour
    "/supervision/?region=4305x",
    "/supervision/export.xlsx?region=430523",
    "/supervision/export.pdf?region=430523",
])
def test_county_supervisor_cannot_see_another_countys_figures_by_url_tampering(client, county_data, url):
    client.force_login(supervisor("430522"))
    assert client.get(url).status_code == 404


def test_city_supervisor_drills_into_a_county(client, county_data):
    client.force_login(supervisor("4305"))
    city = client.get("/supervision/")
    rows = {row.key: row for row in city.context["board"].children}
    assert rows["430522"].figures.found == 2 and rows["430523"].figures.found == 1
    county = client.get(rows["430522"].url)
    assert county.status_code == 200 and county.context["board"].region.code == "430522"
    assert [name for name, _url in county.context["board"].breadcrumbs][-1] == county.context["board"].region.name


@pytest.mark.parametrize("make_user", [
    lambda: enterprise_contact(EnterpriseFactory()),
    lambda: UserFactory(role=Role.GRID, region=region("430522100")),
    lambda: UserFactory(role=Role.SUPERVISOR, region=None),
])
def test_people_without_a_statistics_jurisdiction_get_404(client, make_user):
    client.force_login(make_user())
    assert client.get("/supervision/").status_code == 404
    assert client.get("/supervision/reports/").status_code == 404
    assert client.get("/supervision/circulars/").status_code == 404


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/supervision/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_see_the_nav_link_and_enterprises_do_not(client):
    client.force_login(inspector("430522"))
    assert "统计分析" in client.get("/").content.decode()
    client.force_login(enterprise_contact(EnterpriseFactory()))
    assert "统计分析" not in client.get("/").content.decode()


def test_a_bad_custom_period_is_explained_on_its_field(client, county_data):
    client.force_login(supervisor("430522"))
    page = client.get("/supervision/", {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"})
    assert page.status_code == 400
    assert "结束日期不能早于开始日期" in page.content.decode()
    assert 'value="2026-05-01"' in page.content.decode()  # what was typed is kept
    missing = client.get("/supervision/", {"period": "custom", "start": "2026-05-01"})
    assert "请填写结束日期" in missing.content.decode()
    garbage = client.get("/supervision/", {"period": "custom", "start": "yesterday", "end": "2026-04-01"})
    assert garbage.status_code == 400


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_queries_do_not_grow_with_the_number_of_regions(client, django_assert_num_queries):
    today = local_today()
    client.force_login(supervisor("43"))
    for city in ("4301", "4302", "4303"):
        hazard(f"{city}01", found=local(today))
    few = _queries(client, "/supervision/")
    for n in range(4, 15):
        code = f"43{n:02d}"
        for county in ("21", "22", "23"):
            hazard(f"{code}{county}100", found=local(today), status=HazardStatus.SIGNED_OFF,
                   deadline=today.isoformat(), signed_off=local(today, 12))
    many = _queries(client, "/supervision/")
    assert few == many
    # Session, user, region, the cube, last year, child names, sectors, trend, breadcrumbs,
    # the incident figures and the tip-off figures (one aggregate each, see
    # test_dashboard_incidents_tipoffs.py) and the bell (the session is not saved again within a minute).
    with django_assert_num_queries(few):
        client.get("/supervision/?period=month&trend=week")


def test_excel_export_has_chinese_headers_numbers_and_percentages(client, county_data):
    client.force_login(supervisor("4305"))
    response = client.get("/supervision/export.xlsx", {"period": "month"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["概况", "按区划"]
    by_region = book["按区划"]
    headers = [c.value for c in by_region[1]]
    assert headers[:5] == ["区划", "代码", "销号率排名", "发现数", "已整改"]
    rows = {row[1].value: row for row in by_region.iter_rows(min_row=2)}
    xinshao = rows["430522"]
    found, rate = xinshao[headers.index("发现数")], xinshao[headers.index("销号率")]
    assert found.value == 2 and isinstance(found.value, int)
    assert rate.value == pytest.approx(0.5) and rate.number_format == "0.0%"
    empty = next(row for code, row in rows.items() if code not in ("430522", "430523"))
    assert empty[headers.index("销号率")].value == "—"
    summary = {row[0].value: row for row in book["概况"].iter_rows()}
    assert summary["发现数"][1].value == 3
    # The export is on the audit trail: who took how many hazards' figures out, of which region.
    from audit.models import AuditLog

    entry = AuditLog.objects.get(action="export")
    assert entry.target == "supervision.dashboard.xlsx"
    assert entry.detail["count"] == 3 and entry.detail["region"] == "4305"


def test_pdf_export_shows_the_region_and_figures(client, county_data):
    client.force_login(supervisor("4305"))
    response = client.get("/supervision/export.pdf", {"period": "month"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "隐患排查治理统计" in text and "销号率排名" in text


def test_statistics_api_returns_the_dashboard_figures_within_jurisdiction(client, county_data):
    client.force_login(supervisor("4305"))
    data = client.get("/api/statistics/", {"period": "month"}).json()
    assert data["region"] == "4305" and data["headline"]["found"] == 3
    xinshao = next(row for row in data["children"] if row["key"] == "430522")
    assert xinshao["figures"]["sign_off_rate"] == 0.5 and xinshao["rank"] == 1
    assert next(row for row in data["children"] if row["key"] == "430524")["figures"]["sign_off_rate"] is None
    client.force_login(supervisor("430522"))
    assert client.get("/api/statistics/", {"region": "430523"}).status_code == 404
    assert client.get("/api/statistics/", {"period": "custom"}).status_code == 400


def test_the_tiles_compare_with_the_same_days_last_year(client):
    """同比: the same calendar days one year earlier, same definitions; counts change as a
    fraction, rates as a difference in percentage points, and "—" when last year had none."""
    region("430522100", "酿溪镇")
    this_year, last_year = "2026-03-10", "2025-03-10"
    for _ in range(4):
        hazard(found=local(this_year))
    hazard(found=local(this_year), status=HazardStatus.SIGNED_OFF, deadline="2026-03-20", signed_off=local("2026-03-15"))
    hazard(found=local(last_year), status=HazardStatus.SIGNED_OFF, deadline="2025-03-20", signed_off=local("2025-03-15"))
    hazard(found=local(last_year))
    hazard(found=local("2025-04-01"))  # outside last year's days: not counted
    hazard(found=local(last_year), status=HazardStatus.REJECTED)  # rejected reports are never counted
    client.force_login(supervisor("430522"))

    board = client.get("/supervision/?period=custom&start=2026-03-01&end=2026-03-31").context["board"]
    tiles = {t.name: t for t in board.tiles}

    assert (tiles["found"].value, tiles["found"].previous) == (5, 2)
    assert tiles["found"].change == pytest.approx(1.5)  # 5 against 2: +150 %
    assert (tiles["sign_off_rate"].value, tiles["sign_off_rate"].previous) == (pytest.approx(0.2), pytest.approx(0.5))
    assert tiles["sign_off_rate"].change == pytest.approx(-0.3)  # 20 % against 50 %: −30 points
    assert (tiles["major_found"].previous, tiles["major_found"].change) == (0, None)

    # The Excel 概况 sheet says the same: counts as a percent, rates in 个百分点 (numbers still).
    book = load_workbook(io.BytesIO(client.get("/supervision/export.xlsx", {
        "period": "custom", "start": "2026-03-01", "end": "2026-03-31"}).content))
    summary = {row[0].value: row for row in book["概况"].iter_rows()}
    found_change, rate_change = summary[str(tiles["found"].label)][3], summary[str(tiles["sign_off_rate"].label)][3]
    assert found_change.value == pytest.approx(1.5) and found_change.number_format == "0.0%"
    assert rate_change.value == pytest.approx(-30) and "个百分点" in rate_change.number_format
