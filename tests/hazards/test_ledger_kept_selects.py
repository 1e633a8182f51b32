"""The ledger's filter selects kept per process (hazards/ledger_filter_html.py, issue #18 item 1)
show each user their own language, their own values and errors and their own jurisdiction's
regions — never another request's — and choices from the database as they are now."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Sector
from hazards.choices import HazardStatus
from tests.factories import EnterpriseFactory, HazardFactory, days_from_today, region, sector, supervisor

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
LEDGER = "/hazards/"


@pytest.fixture
def city():
    """A city supervisor of 邵阳市 and 12 running hazards of 新邵县, a third of them overdue."""
    region("430522100", "酿溪镇")
    region("430407100", "石鼓街道")
    enterprise = EnterpriseFactory(region=region("430522100"), sector=sector("fire"))
    for n in range(12):
        HazardFactory(enterprise=enterprise, region=enterprise.region, sector=enterprise.sector,
                      status=HazardStatus.RECTIFYING if n % 2 else HazardStatus.ASSIGNED,
                      current_deadline=days_from_today(-3 if n % 3 == 0 else 10 + n),
                      original_deadline=days_from_today(-3 if n % 3 == 0 else 10 + n))
    client = Client()
    client.force_login(supervisor("4305", username="city_sup"))
    return client


def _select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)


def test_a_kept_select_follows_the_language(city):
    one = {"status": "rectifying"}  # one value: a drop-down with 全部状态 first
    page = city.get(LEDGER, one).content.decode()
    chinese = _select(page, "status")
    assert "整改中" in chinese and "Rectifying" not in chinese
    assert "重大隐患" in _select(page, "level")  # a select whose widget has no label of its own
    city.post("/i18n/setlang/", {"language": "en", "next": LEDGER})
    assert city.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = city.get(LEDGER, one).content.decode()
    english = _select(page, "status")
    assert "Rectifying" in english and "All statuses" in english and "整改中" not in english
    assert "Major hazard" in _select(page, "level") and "重大隐患" not in _select(page, "level")
    city.post("/i18n/setlang/", {"language": "zh-hans", "next": LEDGER})
    assert _select(city.get(LEDGER, one).content.decode(), "status") == chinese


def test_a_kept_select_shows_this_request_s_values_and_errors(city):
    chosen = _select(city.get(LEDGER, {"status": "rectifying", "level": "major"}).content.decode(), "status")
    assert re.search(r'<option value="rectifying"[^>]* selected', chosen)
    plain = city.get(LEDGER).content.decode()
    assert " selected" not in _select(plain, "status").split("</option>", 1)[1]  # only 全部状态 is selected
    assert not re.search(r'value="major"[^>]* selected', _select(plain, "level"))
    wrong = city.get(LEDGER, {"level": "nonsense"})
    assert wrong.status_code == 400 and 'aria-invalid="true"' in _select(wrong.content.decode(), "level")
    assert 'aria-invalid' not in _select(city.get(LEDGER).content.decode(), "level")


def test_a_user_of_another_jurisdiction_sees_only_their_own_regions(city):
    assert 'value="430522"' in _select(city.get(LEDGER).content.decode(), "region")
    other = Client()
    other.force_login(supervisor("430407", username="hengyang_sup"))
    regions = _select(other.get(LEDGER).content.decode(), "region")
    assert 'value="430407100"' in regions
    assert "4305" not in regions and "酿溪镇" not in regions


def test_a_new_sector_shows_at_once(city):
    before = _select(city.get(LEDGER).content.decode(), "sector")
    Sector.objects.create(code="zz_new", name="新行业领域", sort_order=999)
    after = _select(city.get(LEDGER).content.decode(), "sector")
    assert "新行业领域" not in before and 'value="zz_new"' in after and "新行业领域" in after
