"""Ledger search (issue 18 item 5): whatever plan PostgreSQL picks for a term (the bitmap of the
bigram index for a rare one, the walk down the newest-first index for a common one), the rows are
exactly those of the definition — code, original code, title or description contains the term,
case-insensitive (Django's icontains) — newest first, and only within the user's jurisdiction.
The ledger page answers with the same rows as the API."""
from __future__ import annotations

import datetime
import re

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.models import Hazard
from hazards.search import SEARCH_FIELDS
from tests.factories import EnterpriseFactory, HazardFactory, credit_code, region, supervisor

pytestmark = pytest.mark.django_db
LIST = "/api/hazards/"

TERMS = ["叉车", "叉车作业", "车", "ab", "AB-7", "50%", "a_b", "车\n作", "宏达化工", "无此词"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county():
    """新邵县 hazards whose fields hold the terms in every field and case, plus decoys."""
    own = EnterpriseFactory(region=region("430522100"), name="宏达化工有限公司")
    start = timezone.now() - datetime.timedelta(days=30)
    rows = [
        {"title": "叉车制动失灵"},
        {"title": "仓库叉车作业无人指挥"},
        {"description": "现场发现叉车超载"},
        {"original_code": "AB-7731"},
        {"code": "YH-ab-0001"},
        {"title": "Ab 区配电箱"},
        {"title": "货车", "description": "作业区无标识"},  # 车 and 作 in two fields: 车\n作 must not match
        {"title": "负荷超过50%"},
        {"title": "axb 标识", "description": "a_b 标识"},
        {"title": "宏达化工储罐区"},
        {"title": "叉", "description": "车"},  # 叉车 split across two fields
        {"title": "无关隐患"},
    ]
    for i, fields in enumerate(rows):
        # Two rows share a found_at: the order falls back to id, newest first.
        HazardFactory(enterprise=own, found_at=start + datetime.timedelta(days=i // 2), **fields)
    return supervisor("430522")


@pytest.fixture
def neighbour():
    """The same words in the neighbouring 邵阳县 (430523): never seen by 新邵县's supervisor."""
    other = EnterpriseFactory(region=region("430523100"), credit_code=credit_code(9, "430523"))
    for title in ("叉车制动失灵", "宏达化工储罐区", "AB-7 号"):
        HazardFactory(enterprise=other, title=title)
    return other


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def definition(user, term: str) -> list[int]:
    """The search's meaning, written with the ORM's icontains on each field."""
    contains = Q()
    for name in SEARCH_FIELDS:
        contains |= Q(**{f"{name}__icontains": term})
    rows = Hazard.objects.visible_to(user).filter(contains).order_by("-found_at", "-id")
    return list(rows.values_list("id", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_search_answers_exactly_the_definition_newest_first(county, neighbour, term):
    body = api_for(county).get(LIST, {"q": term, "page_size": 100}).json()

    expected = definition(county, term)
    assert [row["id"] for row in body["results"]] == expected
    assert body["count"] == len(expected) and body["count_exact"] is True


def test_search_finds_each_field_and_case_but_not_across_fields(county):
    def titles(term):
        ids = [row["id"] for row in api_for(county).get(LIST, {"q": term}).json()["results"]]
        return set(Hazard.objects.filter(id__in=ids).values_list("title", flat=True))

    assert titles("叉车") == {"叉车制动失灵", "仓库叉车作业无人指挥", Hazard.objects.get(description="现场发现叉车超载").title}
    assert len(titles("ab")) == 3  # original code AB-7731, code YH-ab-0001, title Ab 区配电箱
    assert titles("车\n作") == set()
    assert titles("50%") == {"负荷超过50%"}
    assert titles("a_b") == {"axb 标识"}  # the description a_b; the wildcard is a literal underscore


def test_a_county_supervisors_search_stays_in_the_county(county, neighbour):
    body = api_for(county).get(LIST, {"q": "叉车"}).json()

    assert body["count"] == 3
    regions = Hazard.objects.filter(id__in=[row["id"] for row in body["results"]]).values_list("region_id", flat=True)
    assert all(code.startswith("430522") for code in regions)
    outsider = supervisor("430523")
    outside = api_for(outsider).get(LIST, {"q": "叉车"}).json()
    assert [row["id"] for row in outside["results"]] == definition(outsider, "叉车")
    assert outside["count"] == 1


def test_the_ledger_page_shows_the_same_rows_as_the_api(county, neighbour):
    client = Client()
    client.force_login(county)
    page = client.get("/hazards/", {"q": "叉车"}).content.decode()

    expected = Hazard.objects.filter(id__in=definition(county, "叉车")).values_list("code", flat=True)
    shown = set(re.findall(r"YH-TEST-\d{6}", page))
    assert shown == set(expected)
