"""Paging the ledger: pages cover the first MAX_PAGED_ROWS rows of any result (the total stays
exact where the statistics rollup or SQLite counts it; tests/test_ledger_count.py has the rest), rows with equal sort keys never repeat or vanish between pages, and a deep page holds
exactly the rows the ordering puts there."""
from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hazardtrack.pagination import BoundedPaginator
from hazards.choices import HazardStatus
from hazards.models import Hazard
from tests.factories import HazardFactory, days_from_today, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return supervisor("430522")


@pytest.fixture
def ledger(monkeypatch):
    """45 running hazards sharing three deadlines; pages reach the first 30 rows only."""
    monkeypatch.setattr(BoundedPaginator, "max_rows", 30)
    for i in range(45):
        HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(i % 3),
                      current_deadline=days_from_today(i % 3))


def test_api_pages_walk_the_first_rows_in_order_without_repeats(user, ledger):
    client = APIClient()
    client.force_authenticate(user)
    seen = []
    for page in (1, 2, 3):
        data = client.get("/api/hazards/", {"ordering": "deadline", "page_size": 10, "page": page}).json()
        assert data["count"] == 45
        seen += [row["id"] for row in data["results"]]
    expected = list(Hazard.objects.order_by("current_deadline", "id").values_list("id", flat=True)[:30])
    assert seen == expected
    assert data["next"] is None  # page 3 is the last one served


def test_api_refuses_pages_past_the_bound_with_a_hint(user, ledger):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/hazards/", {"page_size": 10, "page": 4})
    assert response.status_code == 404
    assert "筛选条件" in response.json()["detail"]


def test_ledger_page_says_only_the_first_rows_can_be_paged(user, ledger):
    client = Client()
    client.force_login(user)
    response = client.get("/hazards/", {"page": 99})
    html = response.content.decode()
    assert response.status_code == 200
    assert "共 45 条" in html and "第 2 / 2 页" in html  # 30 rows at 20 a page
    assert "只能翻阅前 30 条记录" in html
