"""待办 — my work: per role, exact counts whose links open exactly the ledger rows counted, the
same figures from the API, one query whatever the number of rows, and never a hazard the user
cannot see."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from hazards.choices import ExtensionStatus, HazardStatus, ResumeReviewStatus
from hazards.models import ExtensionRequest, ResumeApplication
from hazards.selectors import hazard_list
from hazards.todo import todo_list
from tests.factories import EnterpriseFactory, HazardFactory, UserFactory, days_from_today, enterprise_contact, \
    inspector, region, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts(user) -> dict[str, int]:
    return {item.key: item.count for item in todo_list(user=user)}


def ledger_count(user, url: str) -> int:
    rows, _filterset = hazard_list(user=user, params=QueryDict(urlsplit(url).query))
    return rows.count()


def assert_links_match(user):
    for item in todo_list(user=user):
        assert ledger_count(user, item.url) == item.count, item


def deadline(days: int) -> dict:
    return {"original_deadline": days_from_today(days), "current_deadline": days_from_today(days)}


def make_world(n: int = 1):
    """n hazards of each kind in 新邵县 (430522) and the same in another county (430407)."""
    here, there = EnterpriseFactory(region=region("430522100")), EnterpriseFactory(region=region("430407001"))
    people = {"inspector": inspector("430522"), "other_inspector": inspector("430522")}
    for enterprise in (here, there):
        for _ in range(n):
            HazardFactory(enterprise=enterprise, status=HazardStatus.REPORTED, found_by=people["other_inspector"])
            HazardFactory(enterprise=enterprise, status=HazardStatus.VERIFIED)
            ext = HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFYING, **deadline(2),
                                assigned_inspector=people["inspector"])
            ExtensionRequest.objects.create(hazard=ext, requested_by=people["other_inspector"], reason="材料未到",
                                            previous_deadline=days_from_today(2), requested_deadline=days_from_today(20))
            resume = HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFICATION_REPORTED, level="major",
                                   rectification_reported_by=people["inspector"])
            ResumeApplication.objects.create(hazard=resume, submitted_by=people["other_inspector"], content="申请复产",
                                              review_due=days_from_today(10))
            HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFICATION_REPORTED,
                          rectification_reported_by=people["other_inspector"])
            HazardFactory(enterprise=enterprise, status=HazardStatus.ASSIGNED, **deadline(-3),
                          assigned_inspector=people["inspector"])
            HazardFactory(enterprise=enterprise, status=HazardStatus.RECTIFYING, **deadline(5),
                          rectification_reported_at=timezone.now())
    return here, people


def test_a_supervisor_sees_what_waits_in_their_county_only(client):
    make_world()
    boss = supervisor("430522")
    assert counts(boss) == {"to_confirm": 1, "extensions": 1, "to_sign_off": 1, "resume_reviews": 1}
    assert_links_match(boss)


def test_an_inspector_sees_what_they_may_verify_and_their_hazards_due_or_overdue(client):
    _here, people = make_world()
    # Two reported rectifications; the resume one was reported by this inspector: not theirs to verify.
    assert counts(people["inspector"]) == {"to_verify": 1, "due_soon": 1, "overdue": 1}
    assert counts(people["other_inspector"])["to_verify"] == 1
    assert_links_match(people["inspector"])


def test_an_enterprise_contact_sees_its_hazards_to_rectify_and_refused_verifications(client):
    here, _people = make_world()
    contact = enterprise_contact(here)
    assert counts(contact) == {"to_rectify": 3, "redo": 1}
    assert_links_match(contact)


def test_a_grid_worker_follows_their_own_reports():
    make_world()
    grid = UserFactory(role=Role.GRID, region=region("430522"))
    HazardFactory(enterprise=EnterpriseFactory(region=region("430522100")), status=HazardStatus.SIGNED_OFF, found_by=grid)
    HazardFactory(enterprise=EnterpriseFactory(region=region("430522100")), status=HazardStatus.REPORTED, found_by=grid)
    assert counts(grid) == {"reported": 1, "in_progress": 0, "signed_off": 1, "rejected": 0}
    assert_links_match(grid)


@pytest.mark.parametrize("n", [1, 20])
def test_the_counts_take_one_query_however_many_items(django_assert_num_queries, n):
    make_world(n)
    boss = supervisor("430522")
    with django_assert_num_queries(1):
        assert counts(boss)["to_confirm"] == n


def test_the_page_the_home_page_and_the_api_agree(client):
    make_world()
    boss = supervisor("430522")
    client.force_login(boss)
    page = client.get(reverse("todo"))
    api = client.get("/api/todo/").json()
    home = client.get(reverse("home")).content.decode()
    assert {i["key"]: i["count"] for i in api} == counts(boss)
    for item in api:
        assert f'href="{item["url"].replace("&", "&amp;")}" data-testid="todo-{item["key"]}"' in page.content.decode()
        assert f'data-testid="todo-{item["key"]}"' in home
    assert all(ledger_count(boss, i["url"]) == i["count"] for i in api)


def test_a_supervisor_counts_only_the_major_hazards_their_level_may_sign_off():
    """销号 of a major hazard needs the level that listed it (county when not listed) and a
    passed resume review under 停产停业 (hazards/transitions.py): the count follows the same rules."""
    place = EnterpriseFactory(region=region("430522100"))
    verified = {"enterprise": place, "status": HazardStatus.VERIFIED}
    HazardFactory(**verified)  # general
    HazardFactory(**verified, level="major")  # not listed: county level
    HazardFactory(**verified, level="major", listing_level="county")
    HazardFactory(**verified, level="major", listing_level="city")
    HazardFactory(**verified, level="major", listing_level="province")
    HazardFactory(**verified, level="major", listing_level="county", production_suspended=True)
    county_boss, city_boss = supervisor("430522"), supervisor("4305")
    province_admin = UserFactory(role=Role.ADMIN, region=region("43"))
    assert counts(county_boss)["to_sign_off"] == 3
    assert counts(city_boss)["to_sign_off"] == 4
    assert counts(province_admin)["to_sign_off"] == 5
    for user in (county_boss, city_boss, province_admin):
        assert_links_match(user)


def test_the_sign_off_count_agrees_with_the_transition_rules():
    from hazards.transitions import _production_resumed, _signer_level_suffices
    from hazardtrack.errors import DomainError

    place = EnterpriseFactory(region=region("430522100"))
    for level, listing, suspended in (("general", "", False), ("major", "", False), ("major", "city", False),
                                      ("major", "province", False), ("major", "county", True)):
        HazardFactory(enterprise=place, status=HazardStatus.VERIFIED, level=level, listing_level=listing,
                      production_suspended=suspended)

    def may(hazard, user):
        try:
            _signer_level_suffices(hazard, user)
            _production_resumed(hazard, user)
        except DomainError:
            return False
        return True

    for user in (supervisor("430522"), supervisor("4305")):
        rows, _filterset = hazard_list(user=user, params=QueryDict("status=verified"))
        assert counts(user)["to_sign_off"] == sum(may(h, user) for h in rows)


def test_the_enterprise_contact_sees_days_left_or_overdue_for_each_hazard_to_rectify(client):
    here, _people = make_world()
    contact = enterprise_contact(here)
    client.force_login(contact)
    api = {i["key"]: i for i in client.get("/api/todo/").json()}
    rows = api["to_rectify"]["hazards"]
    assert [(r["days_left"], r["days_overdue"]) for r in rows] == [(-3, 3), (2, 0), (5, 0)]
    assert rows[0]["deadline"] == days_from_today(-3).isoformat()
    assert api["redo"]["hazards"] is None
    body = client.get(reverse("todo")).content.decode()
    assert "逾期 3 天" in body and "剩 2 天" in body and "剩 5 天" in body
    assert f'href="{rows[0]["url"]}"' in body
    assert "逾期 3 天" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("n", [1, 15])
def test_the_enterprise_list_takes_three_queries_however_many_hazards(django_assert_num_queries, n):
    here, _people = make_world(n)
    contact = enterprise_contact(here)
    # The counts, the listed rows, and their clocks in the region's days (hazards/ladder.py).
    with django_assert_num_queries(3):
        items = {i.key: i for i in todo_list(user=contact)}
    assert len(items["to_rectify"].hazards) == min(3 * n, 20)
