"""Staff triage a tip-off in the region it names: accept it (a hazard with source 群众举报 in
that region, with its photos, linked), mark it a duplicate of a hazard on record, reject it
with a reason, or transfer it to another region or department. Nobody else sees it."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404

from accounts.models import Department
from hazards import services as hazard_services
from hazards.choices import AttachmentKind, HazardSource, HazardStatus
from hazards.models import Hazard
from hazardtrack.errors import DomainError
from tests import factories
from tests.factories import EnterpriseFactory, TipOffFactory, photo
from tipoffs import services
from tipoffs.choices import TipOffAction, TipOffStatus
from tipoffs.models import TipOff, TipOffEvent

pytestmark = pytest.mark.django_db


def submit(region="430522100", photos=(), **data) -> TipOff:
    fields = {"description": "酿溪镇某五金厂车间安全出口被锁，通道堆满纸箱。", "address": "新邵县酿溪镇工业园五金厂",
              "region": factories.region(region), "consent": True, "reporter_name": "王举报",
              "reporter_phone": "13912345678", **data}
    return services.tipoff_submit(data=fields, photos=list(photos))


def accept(tipoff, actor, **hazard_data) -> TipOff:
    data = {"title": "五金厂安全出口上锁", "sector": factories.sector("fire"), **hazard_data}
    return services.tipoff_accept(tipoff_id=tipoff.pk, actor=actor, expected_version=tipoff.version, hazard_data=data)


def test_accept_creates_a_linked_hazard_in_the_tipoffs_region_with_source_tipoff(people):
    tipoff = submit(photos=[photo("现场1.jpg"), photo("现场2.jpg", colour=(0, 0, 200))])

    tipoff = accept(tipoff, people.supervisor)

    hazard = Hazard.objects.get(pk=tipoff.hazard_id)
    assert tipoff.status == TipOffStatus.ACCEPTED
    assert hazard.source == HazardSource.TIPOFF and hazard.get_source_display() == "群众举报"
    assert hazard.region_id == "430522100"
    assert hazard.status == HazardStatus.REPORTED and hazard.found_by == people.supervisor
    assert hazard.address == tipoff.address
    before = hazard.attachments.filter(kind=AttachmentKind.BEFORE)
    assert sorted(before.values_list("original_name", flat=True)) == ["现场1.jpg", "现场2.jpg"]
    assert "王举报" not in hazard.description and "13912345678" not in hazard.description
    assert list(tipoff.events.values_list("action", flat=True)) == [TipOffAction.SUBMITTED, TipOffAction.ACCEPTED]
    assert tipoff.handled_by == people.supervisor and tipoff.version == 2


def test_accepting_on_the_page_shows_the_hazard_and_the_hazard_shows_its_tipoff(client, people):
    tipoff = submit()
    client.force_login(people.inspector)

    response = client.post(f"/tipoffs/{tipoff.pk}/do/accept/", {
        "version": tipoff.version, "title": "五金厂安全出口上锁", "description": "车间安全出口被锁",
        "sector": "fire", "level": "general", "category": "unsafe_condition",
    })

    assert response.status_code == 302 and response["Location"] == f"/tipoffs/{tipoff.pk}/"
    tipoff.refresh_from_db()
    hazard_page = client.get(f"/hazards/{tipoff.hazard_id}/").content.decode()
    assert "群众举报" in hazard_page and "来源举报" in hazard_page and tipoff.tracking_code in hazard_page
    assert "王举报" not in hazard_page


def test_a_refused_accept_keeps_what_was_typed(client, people):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = client.post(f"/tipoffs/{tipoff.pk}/do/accept/", {
        "version": tipoff.version, "title": "我输入的隐患名称", "description": "描述", "enterprise": "不存在的单位",
        "sector": "fire", "level": "general", "category": "unsafe_condition",
    })

    body = response.content.decode()
    assert response.status_code == 400
    assert "找不到该单位" in body and "我输入的隐患名称" in body
    assert TipOff.objects.get().status == TipOffStatus.RECEIVED


def test_accept_with_an_enterprise_of_another_county_is_refused(people):
    tipoff = submit()
    elsewhere = EnterpriseFactory(region=factories.region("430523100"))

    with pytest.raises(DomainError) as refused:
        accept(tipoff, people.city, enterprise=elsewhere)

    assert refused.value.code == "region_mismatch"
    assert not Hazard.objects.exists()
    assert TipOff.objects.get().status == TipOffStatus.RECEIVED


def test_staff_of_another_region_cannot_see_the_tipoff(client, people):
    tipoff = submit(photos=[photo()])
    photo_id = tipoff.photos.get().pk
    client.force_login(people.neighbour_supervisor)

    assert client.get(f"/tipoffs/{tipoff.pk}/").status_code == 404
    assert tipoff.tracking_code not in client.get("/tipoffs/?queue=all").content.decode()
    assert client.get(f"/tipoffs/photos/{photo_id}/").status_code == 404
    assert client.post(f"/tipoffs/{tipoff.pk}/do/reject/", {"version": 1, "reason": "x"}).status_code == 404
    with pytest.raises(Http404):
        services.tipoff_reject(tipoff_id=tipoff.pk, actor=people.neighbour_supervisor, expected_version=1, reason="x")


def test_city_staff_see_their_counties_tipoffs(client, people):
    tipoff = submit()
    client.force_login(people.city)

    assert client.get(f"/tipoffs/{tipoff.pk}/").status_code == 200
    assert client.get("/tipoffs/photos/999999/").status_code == 404


def test_enterprise_contacts_and_grid_workers_see_no_tipoffs(client, people):
    tipoff = accept(submit(), people.supervisor, enterprise=people.enterprise)
    for user in (people.contact, people.grid):
        client.force_login(user)
        assert client.get("/tipoffs/").status_code == 403
        assert client.get(f"/tipoffs/{tipoff.pk}/").status_code == 404
    client.force_login(people.contact)
    hazard_page = client.get(f"/hazards/{tipoff.hazard_id}/").content.decode()
    assert "来源举报" not in hazard_page and tipoff.tracking_code not in hazard_page


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    tipoff = submit()
    response = client.get(f"/tipoffs/{tipoff.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_transfer_to_another_region_hands_it_to_that_regions_staff(client, people):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = client.post(f"/tipoffs/{tipoff.pk}/do/transfer/", {
        "version": tipoff.version, "region": "430407", "note": "地点在石鼓区",
    })

    assert response.status_code == 302 and response["Location"] == "/tipoffs/"  # out of sight now
    tipoff.refresh_from_db()
    assert tipoff.status == TipOffStatus.TRANSFERRED
    assert tipoff.region_id == "430407" and tipoff.transferred_from_id == "430522100"
    assert client.get(f"/tipoffs/{tipoff.pk}/").status_code == 404
    client.force_login(people.neighbour_supervisor)
    assert tipoff.tracking_code in client.get("/tipoffs/").content.decode()
    # The receiving region decides it.
    accepted = accept(tipoff, people.neighbour_supervisor)
    assert accepted.hazard.region_id == "430407"


def test_transfer_to_a_department_puts_it_in_that_departments_queue(client, people):
    department = Department.objects.create(name="住房和城乡建设局", region=factories.region("430522"))
    people.inspector.department = department
    people.inspector.save()
    tipoff = submit()

    services.tipoff_transfer(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=tipoff.version,
                             department=department, note="建筑工地，属住建监管")

    tipoff.refresh_from_db()
    assert tipoff.transfer_department == department and tipoff.region_id == "430522"
    client.force_login(people.inspector)
    assert tipoff.tracking_code in client.get("/tipoffs/", {"mine": "true", "queue": "open"}).content.decode()
    tracking = client.get("/jubao/track/", {"code": tipoff.tracking_code}).content.decode()
    assert "已转交新邵县住房和城乡建设局办理" in tracking


def test_transfer_needs_exactly_one_target(client, people):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = client.post(f"/tipoffs/{tipoff.pk}/do/transfer/", {"version": tipoff.version, "note": "x"})

    assert response.status_code == 400
    assert "请选择转办的区划或部门（二选一）" in response.content.decode()
    with pytest.raises(DomainError) as refused:
        services.tipoff_transfer(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=tipoff.version,
                                 region=factories.region("430522100"))
    assert refused.value.code == "transfer_same_region"


def test_duplicate_links_a_hazard_already_on_record(people):
    first = accept(submit(), people.supervisor)
    second = submit(description="五金厂通道又被堵了")

    second = services.tipoff_mark_duplicate(tipoff_id=second.pk, actor=people.inspector,
                                            expected_version=second.version, hazard_code=first.hazard.code.lower())

    assert second.status == TipOffStatus.DUPLICATE and second.hazard_id == first.hazard_id
    assert Hazard.objects.count() == 1


def test_duplicate_of_a_hazard_out_of_sight_is_refused(people):
    other = hazard_services.hazard_create(
        actor=people.neighbour_inspector,
        data={"title": "石鼓区隐患", "region": factories.region("430407"), "sector": factories.sector()},
    )
    tipoff = submit()

    with pytest.raises(DomainError) as refused:
        services.tipoff_mark_duplicate(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1,
                                       hazard_code=other.code)

    assert refused.value.code == "hazard_not_found" and refused.value.field == "hazard_code"


def test_reject_needs_a_reason(client, people):
    tipoff = submit()
    client.force_login(people.supervisor)

    response = client.post(f"/tipoffs/{tipoff.pk}/do/reject/", {"version": tipoff.version, "reason": "  "})

    assert response.status_code == 400
    assert TipOff.objects.get().status == TipOffStatus.RECEIVED


def test_a_decided_tipoff_cannot_be_decided_again(client, people):
    tipoff = services.tipoff_reject(tipoff_id=submit().pk, actor=people.supervisor, expected_version=1, reason="不属实")
    client.force_login(people.second_supervisor)

    page = client.get(f"/tipoffs/{tipoff.pk}/").content.decode()
    assert 'id="action-accept"' not in page
    response = client.post(f"/tipoffs/{tipoff.pk}/do/accept/", {
        "version": tipoff.version, "title": "x", "description": "x", "sector": "fire", "level": "general",
        "category": "unsafe_condition",
    })
    assert response.status_code == 409
    assert "已办结，不能再次办理" in response.content.decode()


def test_two_staff_deciding_at_once_do_not_overwrite_each_other(people):
    tipoff = submit()
    services.tipoff_reject(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1, reason="不属实")

    with pytest.raises(DomainError) as refused:
        accept(tipoff, people.second_supervisor)

    assert refused.value.code == "stale_version"
    assert not Hazard.objects.exists()


def test_the_queue_shows_open_tipoffs_first_and_filters(client, people):
    waiting = submit(description="待办的举报")
    services.tipoff_reject(tipoff_id=submit(description="已办结的举报").pk, actor=people.supervisor,
                           expected_version=1, reason="不属实")
    client.force_login(people.inspector)

    default = client.get("/tipoffs/").content.decode()
    assert "待办的举报" in default and "已办结的举报" not in default
    everything = client.get("/tipoffs/", {"queue": "all"}).content.decode()
    assert "已办结的举报" in everything
    assert waiting.tracking_code in client.get("/tipoffs/", {"q": waiting.tracking_code[:4]}).content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_queue_costs_the_same_queries_for_10_and_100_rows(client, people, rows, django_assert_num_queries):
    TipOffFactory.create_batch(rows)
    client.force_login(people.inspector)
    client.get("/tipoffs/?page_size=100")  # warm the session

    # session (read; not saved again within SESSION_RENEW_SECONDS: hazardtrack/session_store.py),
    # user (with the region the top bar names: accounts/backends.py), notices bell, sectors of the
    # filter form, count, rows — none of them per row.
    with django_assert_num_queries(6):
        response = client.get("/tipoffs/", {"page_size": 100})
    assert response.content.decode().count('class="tipoff-row') == rows


@pytest.mark.postgres
def test_the_audit_trail_is_append_only(people):
    submit()
    event = TipOffEvent.objects.get()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        from django.db import transaction

        with transaction.atomic():
            cursor.execute("UPDATE tipoffs_tipoffevent SET comment = 'rewritten' WHERE id = %s", [event.pk])


def test_staff_register_a_hotline_tipoff_and_the_caller_gets_a_code(client, people):
    client.force_login(people.inspector)

    response = client.post("/tipoffs/hotline/", {
        "description": "来电反映：雀塘镇烟花店在居民楼存放烟花", "address": "新邵县雀塘镇新街", "region": "430522100",
        "reporter_phone": "13700000000",
    })

    tipoff = TipOff.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tipoffs/{tipoff.pk}/"
    assert tipoff.channel == "hotline" and tipoff.status == TipOffStatus.RECEIVED
    assert tipoff.events.get().actor == people.inspector
    page = client.get(response["Location"]).content.decode()
    assert f"查询码 {tipoff.tracking_code}" in page and "12350 热线" in page


def test_hotline_tipoffs_only_by_staff_and_within_their_jurisdiction(client, people):
    client.force_login(people.inspector)
    response = client.post("/tipoffs/hotline/", {"description": "x", "address": "石鼓区", "region": "430407"})
    assert response.status_code == 400 and not TipOff.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.tipoff_submit(data={"description": "x", "address": "石鼓区", "region": factories.region("430407")},
                               channel="hotline", recorded_by=people.inspector)
    assert refused.value.code == "out_of_jurisdiction"

    client.force_login(people.grid)
    assert client.get("/tipoffs/hotline/").status_code == 403
