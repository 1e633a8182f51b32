"""Province administrators set a region's counting rule in the admin; every change is audited,
and no one below the province opens the page."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.choices import Role
from audit.models import AuditLog
from tests.factories import UserFactory, region
from workdays.choices import CountRule, DeadlineType
from workdays.models import CalendarYear, RegionDayRule

pytestmark = pytest.mark.django_db


def _admin(code):
    user = UserFactory(role=Role.ADMIN, region=region(code), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    return user


def test_a_province_administrator_sets_a_rule_and_it_is_audited(client):
    county = region("430522")
    client.force_login(_admin("43"))
    response = client.post(reverse("admin:workdays_regiondayrule_add"), {
        "region": county.pk, "deadline_type": DeadlineType.RESUME_REVIEW, "rule": CountRule.WORKING,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RegionDayRule.objects.get(region=county)
    assert rule.rule == CountRule.WORKING
    entry = AuditLog.objects.get(target=f"workdays.regiondayrule:{county.pk}")
    assert entry.detail["rule"] == CountRule.WORKING and entry.detail["deadline_type"] == DeadlineType.RESUME_REVIEW


def test_a_city_administrator_cannot_open_the_rules(client):
    client.force_login(_admin("4305"))
    response = client.get(reverse("admin:workdays_regiondayrule_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AuditLog.objects.filter(target__startswith="workdays.").exists()


def test_the_shipped_notices_are_read_only_in_the_admin(client):
    client.force_login(_admin("43"))
    response = client.get(reverse("admin:workdays_calendaryear_change", args=[2026]))
    assert response.status_code == 200
    assert "国务院办公厅关于2026年部分节假日安排的通知" in response.content.decode()
    response = client.post(reverse("admin:workdays_calendaryear_change", args=[2026]), {"source_title": "改"})
    assert response.status_code == 403
    assert CalendarYear.objects.get(year=2026).source_title.startswith("国务院办公厅")
