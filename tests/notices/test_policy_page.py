"""Escalation rules (督办规则) edited by a region's administrators on /notices/policy/: they see
the ladder that applies in their region and where it comes from, set their own region's or a
lower region's rules, and the nightly job follows them from its next run. Nobody else may, and
no administrator reaches another city's rules."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import Role
from audit.choices import AuditAction
from audit.models import AuditLog
from notices.models import EscalationPolicy
from tests.factories import UserFactory, region

from .conftest import DEADLINE, day, escalate, rungs

pytestmark = pytest.mark.django_db

URL = "/notices/policy/"


def admin_of(code: str, **kw):
    return UserFactory(role=Role.ADMIN, region=region(code), **kw)


def logged_in(client, user):
    client.force_login(user)
    return client


def policy_data(**changes) -> dict:
    """The form as the page fills it for a region without rules (the defaults), with `changes`."""
    data = {"remind_days_general": 3, "level2_days_general": 7, "level3_days_general": 15,
            "remind_days_major": 7, "level2_days_major": 3, "level3_days_major": 7}
    return {**data, **changes}


def policy_audits(code: str):
    return AuditLog.objects.filter(action=AuditAction.PERMISSION_CHANGE,
                                   target__startswith=f"notices.escalationpolicy:{code} ")


def test_the_page_is_reverse_named_and_linked_from_the_run_log(client):
    assert reverse("notices:policy") == URL
    body = logged_in(client, admin_of("430522")).get(reverse("notices:runs")).content.decode()
    assert f'href="{URL}"' in body and "督办规则设置" in body


def test_a_county_administrator_sees_the_defaults_then_an_inherited_city_ladder(client):
    client = logged_in(client, admin_of("430522"))
    page = client.get(URL)
    assert page.status_code == 200 and page.context["region"].code == "430522"
    assert "系统默认规则" in page.content.decode()
    # The form starts from what applies now.
    assert page.context["form"]["remind_days_major"].value() == 7

    city = region("4305")
    EscalationPolicy.objects.create(region=city, remind_days_general=4)
    page = client.get(URL)
    assert f"继承自上级区划{city.name}（4305）的规则。" in page.content.decode()
    assert page.context["effective"].ladder.remind_days_general == 4
    assert page.context["form"]["remind_days_general"].value() == 4
    # The picker offers the county and its townships, never the city above it.
    codes = {r.code for r in page.context["regions"]}
    assert "430522" in codes and "4305" not in codes and "43" not in codes


def test_a_county_administrator_sets_its_rules_and_the_nightly_job_follows_them(client, county):
    hazard = county.hazard()  # general, in a township of 新邵县 (430522)
    assert escalate(day(-5), dry_run=True).reminders == 0  # default: reminded 3 days before
    assert escalate(day(4), dry_run=True).level2 == 0  # default: level 2 after 7 days

    admin = admin_of("430522")
    response = logged_in(client, admin).post(URL, policy_data(remind_days_general=5, level2_days_general=4))
    assert response.status_code == 302 and response.url == f"{URL}?region=430522"
    policy = EscalationPolicy.objects.get(region_id="430522")
    assert (policy.remind_days_general, policy.level2_days_general, policy.level3_days_general) == (5, 4, 15)

    escalate(day(-5))
    assert rungs(hazard) == [(0, DEADLINE)]
    escalate(day(4))
    assert rungs(hazard) == [(0, DEADLINE), (2, DEADLINE)]

    page = client.get(response.url).content.decode()
    assert "已保存" in page and "本区划自行设置的规则。" in page
    (entry,) = policy_audits("430522")
    assert entry.actor == admin
    assert entry.detail["created"] is True
    assert entry.detail["changes"]["remind_days_general"] == [None, 5]


def test_changing_the_rules_records_what_changed_and_an_unchanged_save_records_nothing(client):
    client = logged_in(client, admin_of("430522"))
    client.post(URL, policy_data(remind_days_general=5))
    client.post(URL, policy_data(remind_days_general=5, level3_days_major=10))
    client.post(URL, policy_data(remind_days_general=5, level3_days_major=10))
    latest, first = policy_audits("430522")
    assert latest.detail == {"escalation_policy": "430522", "created": False,
                             "changes": {"level3_days_major": [7, 10]}}
    assert first.detail["created"] is True
    assert EscalationPolicy.objects.get(region_id="430522").level3_days_major == 10


def test_an_administrator_sets_a_township_of_its_county(client):
    client = logged_in(client, admin_of("430522"))
    region("430522100", "太芝庙镇")
    page = client.get(URL, {"region": "430522100"})
    assert page.status_code == 200 and "太芝庙镇" in page.content.decode()
    response = client.post(f"{URL}?region=430522100", policy_data(remind_days_major=10))
    assert response.status_code == 302
    assert EscalationPolicy.objects.get(region_id="430522100").remind_days_major == 10
    assert not EscalationPolicy.objects.filter(region_id="430522").exists()


@pytest.mark.parametrize("code", ["430407", "4304", "4305", "43", "999999"])
def test_an_administrator_cannot_reach_rules_outside_its_jurisdiction(client, code):
    region("430407", "石鼓区")
    client = logged_in(client, admin_of("430522"))
    assert client.get(URL, {"region": code}).status_code == 404
    assert client.post(f"{URL}?region={code}", policy_data(remind_days_general=1)).status_code == 404
    assert not EscalationPolicy.objects.exists() and not policy_audits(code).exists()


def test_a_city_administrator_cannot_edit_another_citys_county(client):
    region("430407", "石鼓区")
    region("430522", "新邵县")
    client = logged_in(client, admin_of("4305"))
    assert client.get(URL, {"region": "430522"}).status_code == 200
    assert client.post(f"{URL}?region=430407", policy_data()).status_code == 404
    assert not EscalationPolicy.objects.exists()


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERVISOR, Role.GRID])
def test_other_roles_are_refused(client, role):
    client = logged_in(client, UserFactory(role=role, region=region("430522")))
    assert client.get(URL).status_code == 403
    assert client.post(URL, policy_data(remind_days_general=1)).status_code == 403
    assert not EscalationPolicy.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_a_superuser_without_a_region_picks_any_region(client):
    client = logged_in(client, UserFactory(role=Role.INSPECTOR, region=None, is_superuser=True, is_staff=True))
    region("430407", "石鼓区")
    page = client.get(URL)
    assert page.status_code == 200 and page.context["form"] is None
    assert "请选择要查看或设置规则的区划。" in page.content.decode()
    assert client.post(f"{URL}?region=430407", policy_data(level3_days_general=20)).status_code == 302
    assert EscalationPolicy.objects.get(region_id="430407").level3_days_general == 20


def test_invalid_rules_are_refused_in_chinese_and_keep_what_was_typed(client):
    client = logged_in(client, admin_of("430522"))
    response = client.post(URL, policy_data(remind_days_general=6, level2_days_general=0))
    assert response.status_code == 400
    page = response.content.decode()
    assert response.context["form"].errors["level2_days_general"] == ["升级天数至少为1（逾期第1天为一级督办）。"]
    assert "升级天数至少为1（逾期第1天为一级督办）。" in page
    assert 'name="remind_days_general" value="6"' in page and 'name="level2_days_general" value="0"' in page

    response = client.post(URL, policy_data(level2_days_major=9, level3_days_major=8))
    assert response.status_code == 400
    assert response.context["form"].errors["level3_days_major"] == ["市级督办天数不能少于县级督办天数。"]
    assert 'name="level3_days_major" value="8"' in response.content.decode()

    response = client.post(URL, policy_data(remind_days_major="七天", level3_days_general=""))
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["remind_days_major"] == ["输入整数。"] and errors["level3_days_general"] == ["该字段是必填项。"]
    assert 'value="七天"' in response.content.decode()
    # The page still shows the rules that apply, not what was typed.
    assert response.context["effective"].ladder.remind_days_general == 3
    assert not EscalationPolicy.objects.exists() and not policy_audits("430522").exists()


def test_an_invalid_change_leaves_the_saved_rules_shown_and_in_force(client):
    client = logged_in(client, admin_of("430522"))
    client.post(URL, policy_data(level2_days_general=5))
    response = client.post(URL, policy_data(level2_days_general=20))  # level 3 stays at 15
    assert response.status_code == 400
    assert response.context["effective"].ladder.level2_days_general == 5
    assert EscalationPolicy.objects.get(region_id="430522").level2_days_general == 5
