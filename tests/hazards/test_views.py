"""The hazard pages as a user meets them: ledger, quick entry, detail with its actions."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards.choices import HazardStatus
from hazards.models import Hazard
from tests.factories import (
    EnterpriseFactory, HazardFactory, days_from_today, enterprise_contact, inspector, photo, region, supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_inspector(client):
    user = inspector("430522", username="insp")
    client.force_login(user)
    return user


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_ledger_uses_the_same_number_of_queries_for_10_and_100_rows(client, county_inspector):
    HazardFactory.create_batch(10)
    small = _count_queries(client, reverse("hazards:ledger") + "?page_size=20")
    HazardFactory.create_batch(90)
    large = _count_queries(client, reverse("hazards:ledger") + "?page_size=100")
    assert small == large


def test_ledger_shows_only_the_users_county_and_counts_it(client, county_inspector):
    mine = HazardFactory(title="本县隐患")
    other_enterprise = EnterpriseFactory(region=region("430407001"))
    HazardFactory(title="外县隐患", enterprise=other_enterprise)
    page = client.get(reverse("hazards:ledger")).content.decode()
    assert mine.code in page and "外县隐患" not in page
    assert "共 1 条" in page


def test_ledger_filters_overdue_from_the_url(client, county_inspector):
    late = HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(-3),
                         current_deadline=days_from_today(-3))
    on_time = HazardFactory(status=HazardStatus.RECTIFYING, original_deadline=days_from_today(3),
                            current_deadline=days_from_today(3))
    page = client.get(reverse("hazards:ledger") + "?overdue=1").content.decode()
    assert late.code in page and on_time.code not in page


def test_detail_of_another_county_is_404(client, county_inspector):
    other = HazardFactory(enterprise=EnterpriseFactory(region=region("430407001")))
    assert client.get(reverse("hazards:detail", args=[other.pk])).status_code == 404


def test_detail_queries_do_not_grow_with_events(client, county_inspector):
    from hazards.models import HazardEvent

    hazard = HazardFactory()
    HazardEvent.objects.bulk_create([HazardEvent(hazard=hazard, action="updated") for _ in range(2)])
    few = _count_queries(client, reverse("hazards:detail", args=[hazard.pk]))
    HazardEvent.objects.bulk_create([HazardEvent(hazard=hazard, action="updated") for _ in range(20)])
    many = _count_queries(client, reverse("hazards:detail", args=[hazard.pk]))
    assert few == many


def test_quick_entry_creates_a_hazard_with_a_photo(client, county_inspector):
    enterprise = EnterpriseFactory(name="新邵测试矿业有限公司")
    response = client.post(reverse("hazards:new"), {
        "enterprise": f"{enterprise.name}（{enterprise.credit_code}）", "title": "配电箱未接地",
        "level": "general", "category": "unsafe_condition", "source": "inspection",
        "before_photos": [photo()],
    })
    hazard = Hazard.objects.get(title="配电箱未接地")
    assert response.status_code == 302 and response.url == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.enterprise == enterprise and hazard.region == enterprise.region
    assert re.fullmatch(r"YH-430522-\d{4}-000001", hazard.code)
    assert hazard.attachments.filter(kind="before").count() == 1


def test_quick_entry_with_unknown_enterprise_keeps_what_was_typed(client, county_inspector):
    response = client.post(reverse("hazards:new"), {
        "enterprise": "不存在的单位", "title": "消防通道堵塞", "level": "general",
        "category": "unsafe_condition", "source": "inspection",
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "找不到该单位" in page and 'value="消防通道堵塞"' in page
    assert not Hazard.objects.exists()


def test_detail_offers_only_the_actions_this_user_may_take(client):
    from hazards import services

    reporter = inspector("430522", username="reporter")
    boss = supervisor("430522", username="boss")
    hazard = services.hazard_create(actor=reporter, data={"title": "T", "enterprise": EnterpriseFactory()})
    client.force_login(reporter)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "action-confirm" not in page
    client.force_login(boss)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "action-confirm" in page and "action-reject" in page and "action-sign_off" not in page


def test_stale_form_is_refused_and_keeps_the_input(client):
    from hazards import services

    boss = supervisor("430522", username="boss")
    hazard = services.hazard_create(actor=boss, data={"title": "T", "enterprise": EnterpriseFactory()})
    client.force_login(boss)
    stale = hazard.version
    services.hazard_confirm(hazard_id=hazard.pk, actor=boss, expected_version=stale)
    # The boss's second tab still shows version 1 and tries to reject with a reason.
    response = client.post(reverse("hazards:transition", args=[hazard.pk, "reject"]),
                           {"version": stale, "reason": "重复上报，见另一条"})
    assert response.status_code in (400, 409)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CONFIRMED
    # The reject form is no longer offered, so the refusal is told at the top of the page, and
    # the page shows the hazard as it is now.
    body = response.content.decode()
    assert "已被他人修改" in body
    assert 'data-testid="status">已认定<' in body


def test_transition_form_error_keeps_typed_text(client):
    from hazards import services

    boss = supervisor("430522", username="boss")
    hazard = services.hazard_create(actor=boss, data={"title": "T", "enterprise": EnterpriseFactory()})
    services.hazard_confirm(hazard_id=hazard.pk, actor=boss, expected_version=hazard.version)
    client.force_login(boss)
    response = client.post(reverse("hazards:transition", args=[hazard.pk, "assign"]), {
        "version": hazard.version + 1, "responsible_unit": "某单位", "responsible_person": "李四",
        "measures": "立即更换破损电缆", "deadline": days_from_today(-1).isoformat(),
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "整改期限必须晚于今天" in page and "立即更换破损电缆" in page


def test_enterprise_contact_sees_only_own_hazards_and_attachments(client):
    from hazards import services

    own = EnterpriseFactory()
    other = EnterpriseFactory()
    reporter = inspector("430522", username="reporter")
    mine = services.hazard_create(actor=reporter, data={"title": "本单位", "enterprise": own}, before_photos=[photo()])
    theirs = services.hazard_create(actor=reporter, data={"title": "别家", "enterprise": other}, before_photos=[photo()])
    client.force_login(enterprise_contact(own, username="boss_of_own"))
    assert client.get(reverse("hazards:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("hazards:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("hazards:attachment", args=[mine.attachments.get().pk])).status_code == 200
    assert client.get(reverse("hazards:attachment", args=[theirs.attachments.get().pk])).status_code == 404
    assert client.get(reverse("hazards:attachment-thumb", args=[theirs.attachments.get().pk])).status_code == 404


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("hazards:ledger"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_home_page_is_chinese(client, county_inspector):
    page = client.get("/").content.decode()
    assert "隐患" in page and "逾期未整改" in page


@pytest.mark.postgres
def test_audit_events_cannot_be_rewritten_in_the_database():
    from django.db import DatabaseError, transaction

    from hazards import services
    from hazards.models import HazardEvent

    hazard = services.hazard_create(actor=inspector("430522", username="r"), data={"title": "T", "enterprise": EnterpriseFactory()})
    event = HazardEvent.objects.get(hazard=hazard)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HazardEvent.objects.filter(pk=event.pk).update(comment="改写历史")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HazardEvent.objects.filter(pk=event.pk).delete()
    assert HazardEvent.objects.get(pk=event.pk).comment == ""
