"""The ledger's filter as a county supervisor meets it (issue #16 item 5): a short bar and
"更多筛选", the region picked by name from their own jurisdiction only, the enterprise by name
with suggestions from their jurisdiction, dates as dates, Chinese labels and sort choices,
sortable columns, 20/50/100 rows and page numbers, 发现日期 and 逾期天数 columns — and a bad
value answers 400 with its message beside its field, on the page and in the API."""
from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.choices import HazardLevel, HazardStatus
from tests.factories import (
    EnterpriseFactory, HazardFactory, days_from_today, enterprise_contact, region, sector, supervisor,
)

pytestmark = pytest.mark.django_db
LEDGER = "/hazards/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def places():
    """新邵县 (430522) with two townships, and 邵阳县 (430523) and 衡阳市石鼓区 (430407) beside it."""
    return {
        "county": region("430522", "新邵县"),
        "niangxi": region("430522100", "酿溪镇"),
        "yanqiao": region("430522101", "严塘镇"),
        "shaoyang_county": region("430523", "邵阳县"),
        "shaoyang_town": region("430523100", "塘渡口镇"),
        "far": region("430407100", "石鼓街道"),
    }


@pytest.fixture
def county(places):
    client = Client()
    client.force_login(supervisor("430522", username="county_sup"))
    return client


@pytest.fixture
def api(places):
    client = APIClient()
    client.force_authenticate(supervisor("430522", username="county_api"))
    return client


def _page(response) -> str:
    return response.content.decode()


def _codes(page: str) -> list[str]:
    """Hazard codes in the order the ledger rows show them."""
    return re.findall(r'<td data-label="[^"]*"><a href="/hazards/\d+/">(YH-[^<]+)</a>', page)


def _field(page: str, name: str) -> str:
    """The filter field block (label, input, messages) of `name`."""
    match = re.search(r'<div class="field[^"]*">\s*(?:<label for="id_%s"|<label[^>]*for="id_%s").*?</div>\s*(?=<div class="field|</div>)'
                      % (name, name), page, re.S)
    assert match, f"no field {name} on the page"
    return match.group(0)


# --- layout and words ----------------------------------------------------------------------

def test_short_bar_and_more_filters_without_raw_codes_or_dashes(county):
    page = _page(county.get(LEDGER))
    bar = page[page.index('class="filter-bar"'):page.index('class="more-filters"')]
    for name in ("q", "status", "level", "overdue", "due_soon", "region"):
        assert f'name="{name}"' in bar
    more = page[page.index('class="more-filters"'):]
    more = more[:more.index("</details>")]
    assert "<summary>更多筛选" in more and 'name="enterprise_name"' in more
    # Not in the bar: everything else is behind the disclosure, closed when nothing is chosen.
    assert 'name="enterprise_name"' not in bar and 'name="sector"' not in bar
    assert '<details class="more-filters">' in page
    assert "---------" not in page and "单位ID" not in page and "区划代码" not in page
    assert "descending" not in page and "ascending" not in page
    for name in ("found_after", "found_before", "deadline_after", "deadline_before"):
        assert re.search(r'<input type="date" name="%s"' % name, page), name
    assert '<option value="-deadline">整改期限（降序）</option>' in page
    assert '<option value="-overdue_days">逾期天数（降序）</option>' in page


def test_more_filters_open_when_one_of_them_is_chosen(county):
    page = _page(county.get(LEDGER, {"source": "inspection"}))
    assert '<details class="more-filters" open>' in page and "已选 1 项" in page
    # Sorting by a column header is no reason to unfold them.
    page = _page(county.get(LEDGER, {"ordering": "-deadline"}))
    assert '<details class="more-filters">' in page and "已选" not in page


def test_labels_and_sort_choices_in_english(county):
    county.post("/i18n/setlang/", {"language": "en", "next": LEDGER})
    page = _page(county.get(LEDGER))
    assert "More filters" in page and "Days overdue (descending)" in page and "All statuses" in page
    assert not re.search(r"[\u4e00-\u9fff]（降序）", page)


def test_phone_rows_show_found_date_and_overdue_days(county):
    late = HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(-4),
                         current_deadline=days_from_today(-4), found_at=timezone.now() - datetime.timedelta(days=20))
    page = _page(county.get(LEDGER))
    row = page[page.index(late.code):]
    row = row[:row.index("</tr>")]
    assert f'data-label="发现日期">{timezone.localtime(late.found_at).date().isoformat()}</td>' in row
    assert re.search(r'data-label="逾期天数" class="num">4 天</td>', row)
    assert '<th scope="col"' in page and ">发现日期" in page and ">逾期天数" in page


def test_typed_text_in_rows_and_filters_is_shown_as_text_not_markup(county, places):
    """Titles, unit names and the typed search are user input: the rows and the filter fields
    (written in Python, hazards/ledger_rows.py and ledger_filter_html.py) show them as text."""
    unit = EnterpriseFactory(name='A&B <i>化工</i>', region=places["niangxi"])
    HazardFactory(title='<script>alert(1)</script>"罐区', enterprise=unit, region=places["niangxi"])
    page = _page(county.get(LEDGER, {"q": '<script>"x'}))
    assert "<script>alert(1)" not in page and '<script>"x' not in page
    page = _page(county.get(LEDGER))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;罐区</a></td>" in page
    assert ">A&amp;B &lt;i&gt;化工&lt;/i&gt;</td>" in page
    searched = _page(county.get(LEDGER, {"q": '罐区"><b>'}))
    assert 'value="罐区&quot;&gt;&lt;b&gt;"' in searched and '罐区"><b>' not in searched


# --- bad values: 400, the message beside its field -------------------------------------------

BAD = {"found_after": "2026-13-01", "overdue": "yes", "region": "邵阳市", "due_within": "-1"}


def test_bad_values_answer_400_with_each_message_beside_its_field_on_the_page(county):
    response = county.get(LEDGER, {**BAD, "q": "配电箱"})
    assert response.status_code == 400
    page = _page(response)
    assert "共 0 条" in page and "筛选条件有误，请按提示修改。" in page
    assert "输入一个有效的日期。" in _field(page, "found_after")
    assert "yes 不在可用的选项中" in _field(page, "overdue")
    assert "您的辖区内没有区划“邵阳市”" in _field(page, "region")
    assert "0" in _field(page, "due_within") and 'class="error"' in _field(page, "due_within")
    # What was typed stays in the form; the disclosure holding a wrong field is open.
    assert 'value="配电箱"' in page and 'value="2026-13-01"' in page
    assert '<details class="more-filters" open>' in page
    assert 'aria-describedby="id_region_error"' in page and 'id="id_region_error"' in page


def test_bad_values_answer_400_with_each_message_on_its_field_in_the_api(api):
    response = api.get("/api/hazards/", BAD)
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"found_after", "overdue", "region", "due_within"}
    assert "您的辖区内没有区划“邵阳市”" in body["region"][0]


def test_a_region_of_another_county_by_code_is_refused_not_an_empty_list(county, api):
    assert county.get(LEDGER, {"region": "430523"}).status_code == 400
    response = api.get("/api/hazards/", {"region": "430407"})
    assert response.status_code == 400 and "430407" in response.json()["region"][0]
    assert api.get("/api/hazards/", {"region": "43052"}).status_code == 400  # not a region code's length
    # The city above (a city supervisor's shared link): the county's own rows.
    assert api.get("/api/hazards/", {"region": "4305"}).status_code == 200


# --- the region picker ---------------------------------------------------------------------

def test_region_picker_lists_the_own_subtree_by_name_and_nothing_else(county):
    page = _page(county.get(LEDGER))
    picker = page[page.index('<select name="region"'):]
    picker = picker[:picker.index("</select>")]
    names = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', picker)
    assert [code for code, _ in names] == ["", "430522", "430522100", "430522101"]
    assert names[2][1] == "\u00a0\u00a0酿溪镇"  # indented under 新邵县
    for outside in ("邵阳县", "塘渡口镇", "石鼓街道", "430523", "430407"):
        assert outside not in picker


def test_city_picker_reaches_two_levels_down_and_keeps_a_deeper_choice(places):
    client = Client()
    client.force_login(supervisor("4305", username="city_sup"))
    village = region("430522100201", "和平村")
    page = _page(client.get(LEDGER))
    assert "酿溪镇" in page and "和平村" not in page  # city → county → township
    page = _page(client.get(LEDGER, {"region": village.code}))
    assert f'<option value="{village.code}" selected>' in page
    assert "石鼓街道" not in page


def test_filter_by_region_name_selects_its_subtree(county, places):
    here = HazardFactory(enterprise=EnterpriseFactory(region=places["niangxi"]))
    there = HazardFactory(enterprise=EnterpriseFactory(region=places["yanqiao"]))
    response = county.get(LEDGER, {"region": "酿溪"})  # a name's start is enough when it is unique
    assert response.status_code == 200
    assert _codes(_page(response)) == [here.code]
    assert there.code not in _page(response)


def test_an_ambiguous_region_name_names_the_candidates(county, places):
    region("430522102", "酿溪街道")
    response = county.get(LEDGER, {"region": "酿溪"})
    assert response.status_code == 400
    assert "“酿溪”对应多个区划：酿溪镇、酿溪街道，请选择其一。" in html.unescape(_page(response))


def test_enterprise_contact_has_no_region_picker(places):
    enterprise = EnterpriseFactory(region=places["niangxi"])
    client = Client()
    client.force_login(enterprise_contact(enterprise, username="contact"))
    page = _page(client.get(LEDGER))
    assert '<select name="region"' not in page


# --- the enterprise by name ----------------------------------------------------------------

def test_enterprise_suggestions_are_scoped_to_the_jurisdiction(county, places):
    EnterpriseFactory(name="新邵县湘源石灰石矿", region=places["niangxi"])
    EnterpriseFactory(name="邵阳县湘源建材厂", region=places["shaoyang_town"])
    response = county.get("/hazards/enterprises/", {"q": "湘源"})
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["results"]] == ["新邵县湘源石灰石矿"]
    assert county.get("/hazards/enterprises/", {"q": ""}).json() == {"results": []}


def test_enterprise_suggestions_for_an_enterprise_contact_are_their_own(places):
    own = EnterpriseFactory(name="新邵县湘源石灰石矿", region=places["niangxi"])
    EnterpriseFactory(name="新邵县湘源采石场", region=places["niangxi"])
    client = Client()
    client.force_login(enterprise_contact(own, username="contact"))
    assert client.get("/hazards/enterprises/", {"q": "湘源"}).json() == {"results": [{"id": own.pk, "name": own.name}]}


def test_filter_by_enterprise_name_or_id(county, places):
    mine = EnterpriseFactory(name="新邵县湘源石灰石矿", region=places["niangxi"])
    hazard = HazardFactory(enterprise=mine)
    other = HazardFactory(enterprise=EnterpriseFactory(name="酿溪镇机砖厂", region=places["niangxi"]))
    assert _codes(_page(county.get(LEDGER, {"enterprise_name": "湘源"}))) == [hazard.code]
    by_id = _page(county.get(LEDGER, {"enterprise": mine.pk}))
    assert _codes(by_id) == [hazard.code] and other.code not in by_id
    assert f'<input type="hidden" name="enterprise" value="{mine.pk}">' in by_id  # kept when filtering on


# --- sorting -------------------------------------------------------------------------------

@pytest.fixture
def three(places):
    """Three hazards that sort differently by every column."""
    a = HazardFactory(code="YH-A", title="甲", level=HazardLevel.GENERAL, status=HazardStatus.RECTIFYING,
                      enterprise=EnterpriseFactory(name="丙厂", region=places["yanqiao"], sector=sector("hazchem")),
                      found_at=timezone.now() - datetime.timedelta(days=3),
                      original_deadline=days_from_today(-10), current_deadline=days_from_today(-10))
    b = HazardFactory(code="YH-B", title="乙", level=HazardLevel.MAJOR, status=HazardStatus.ASSIGNED,
                      enterprise=EnterpriseFactory(name="甲厂", region=places["niangxi"], sector=sector("coal_mine")),
                      found_at=timezone.now() - datetime.timedelta(days=1),
                      original_deadline=days_from_today(-2), current_deadline=days_from_today(-2))
    c = HazardFactory(code="YH-C", title="丙", level=HazardLevel.GENERAL, status=HazardStatus.SIGNED_OFF,
                      enterprise=EnterpriseFactory(name="乙厂", region=places["niangxi"], sector=sector("non_coal_mine")),
                      found_at=timezone.now() - datetime.timedelta(days=2),
                      original_deadline=days_from_today(-30), current_deadline=days_from_today(-30))
    return a, b, c


@pytest.mark.parametrize("ordering, expected", [
    ("code", "ABC"), ("-code", "CBA"),
    ("found_at", "ACB"), ("-found_at", "BCA"),
    ("deadline", "CAB"), ("-deadline", "BAC"),
    ("-overdue_days", "ABC"),  # the overdue first, the longest overdue first; signed off last
    ("overdue_days", "CBA"),
    ("-level", "BCA"),  # 重大 first (ties by id, in the same direction)
    ("region", "BCA"),  # tree order: 酿溪镇 430522100 before 严塘镇 430522101
    ("status", "BAC"),  # assigned, rectifying, signed_off
    ("-title", "ABC"), ("enterprise", "ACB"),  # 丙厂 < 乙厂 < 甲厂 in the database's order
    ("sector", "BCA"),  # 煤矿, 非煤矿山, 危险化学品: the sectors' own order
])
def test_sorting_by_each_column(county, three, ordering, expected):
    response = county.get(LEDGER, {"ordering": ordering})
    assert response.status_code == 200
    assert "".join(code[-1] for code in _codes(_page(response))) == expected


def test_column_headers_are_sort_links_keeping_the_filters(county, three):
    page = html.unescape(_page(county.get(LEDGER, {"level": "general", "ordering": "-overdue_days", "page_size": 50})))
    thead = page[page.index("<thead>"):page.index("</thead>")]
    headers = dict(re.findall(r'<a href="\?([^"]+)" data-sort="(\w+)"', thead)[i][::-1] for i in range(10))
    assert set(headers) == {"code", "title", "enterprise", "region", "sector", "level", "status", "found",
                            "deadline", "overdue_days"}
    assert "level=general" in headers["code"] and "page_size=50" in headers["code"] and "ordering=code" in headers["code"]
    # The current column says so and turns around on the next click.
    assert '<th scope="col" aria-sort="descending"><a href="?' in thead
    assert "ordering=overdue_days" in headers["overdue_days"]
    assert thead.count("aria-sort=") == 1
    # The default order is by 发现日期, newest first.
    default = html.unescape(_page(county.get(LEDGER)))
    assert re.search(r'aria-sort="descending"><a href="\?ordering=found_at" data-sort="found"', default)


def test_api_sorts_with_the_same_parameter(api, three):
    body = api.get("/api/hazards/", {"ordering": "-overdue_days"}).json()
    assert [row["code"] for row in body["results"]] == ["YH-A", "YH-B", "YH-C"]


# --- page sizes and page numbers -----------------------------------------------------------

@pytest.mark.parametrize("size, rows", [("20", 20), ("50", 50), ("100", 100), ("30", 20), ("x", 20)])
def test_page_sizes(county, size, rows):
    HazardFactory.create_batch(120)
    page = _page(county.get(LEDGER, {"page_size": size}))
    assert len(_codes(page)) == rows
    assert f'<span aria-current="true" class="current">{rows} 条</span>' in page


def test_page_numbers_keep_filters_and_page_size(county):
    HazardFactory.create_batch(130, level=HazardLevel.GENERAL)
    page = html.unescape(_page(county.get(LEDGER, {"level": "general", "page": 2})))
    numbers = page[page.index('class="page-numbers"'):]
    numbers = numbers[:numbers.index("</span>\n")]
    assert '<span aria-current="page" class="current">2</span>' in numbers
    assert re.search(r'<a href="\?level=general&page=7" aria-label="第 7 页">7</a>', numbers)
    assert "…" not in numbers or "page=1" in numbers
    big = html.unescape(_page(county.get(LEDGER, {"level": "general", "page_size": 50})))
    assert '<input type="hidden" name="page_size" value="50">' in big  # the filter form keeps it
    assert re.search(r'href="\?level=general&page_size=50&page=3"', big)
