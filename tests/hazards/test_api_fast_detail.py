"""The detail API writes its response directly (hazards/api/detail_rows.py) instead of through
DRF's generic serializers: whatever the hazard — reported or signed off, general or major,
with a plan, listed and suspended, extension requests pending and decided, resume applications
reviewed and pending, photos on the timeline, no enterprise, a duplicate — and whoever looks
(the county supervisor, the enterprise's contact) in Chinese or English, the response is
byte for byte what the generic serializers make of the declared fields."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from hazards import services
from hazards.api.serializers import HazardDetailSerializer, ListingSerializer
from hazards.choices import HazardLevel, HazardSource, HazardStatus, ListingLevel
from hazards.models import Attachment, Hazard
from hazards.selectors import hazard_detail
from hazards.transitions import available_transitions
from tests import factories
from tests.factories import HazardFactory, days_from_today, photo
from tests.hazards.test_lifecycle import fresh
from tests.hazards.test_query_counts import hazard_with_history
from tests.hazards.test_resume_review import _fast_password_hashing, apply, people, rectification_reported, review

pytestmark = pytest.mark.django_db

__all__ = ["_fast_password_hashing", "people"]  # the fixtures, used by name below


def generic(serializer: serializers.Serializer, instance) -> dict:
    """The response as DRF's generic serializers write it (nested serializers included)."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


def hazards_in_every_state(p) -> list[Hazard]:
    """One hazard of each shape the detail has to write."""
    reported = services.hazard_create(
        actor=p.inspector, before_photos=[photo(), photo("second.jpg")],
        data={"title": "配电箱未可靠接地", "enterprise": p.enterprise, "level": HazardLevel.GENERAL,
              "address": "二号车间东侧", "latitude": Decimal("27.3123"), "longitude": Decimal("111.45")},
    )
    # Assigned with planned funds, an extension refused and another one pending.
    extended = services.hazard_create(actor=p.inspector, data={"title": "消防通道堵塞", "enterprise": p.enterprise})
    extended = services.hazard_confirm(hazard_id=extended.pk, actor=p.supervisor, expected_version=extended.version)
    extended = services.hazard_assign(
        hazard_id=extended.pk, actor=p.supervisor, expected_version=extended.version, responsible_unit="某公司",
        responsible_person="王五", measures="清理通道", deadline=days_from_today(5), funds_planned=Decimal("1200.5"),
        assigned_inspector=p.second_inspector,
    )
    services.hazard_request_extension(hazard_id=extended.pk, actor=p.contact, expected_version=fresh(extended).version,
                                      requested_deadline=days_from_today(20), reason="物资未到")
    services.hazard_decide_extension(hazard_id=extended.pk, actor=p.supervisor,
                                     expected_version=fresh(extended).version, approve=False, comment="不予延期")
    services.hazard_request_extension(hazard_id=extended.pk, actor=p.contact, expected_version=fresh(extended).version,
                                      requested_deadline=days_from_today(15), reason="施工队伍未进场")
    # Major, listed, production suspended, planned, rectified: one review failed, one pending.
    resuming = rectification_reported(p)
    apply(p, resuming)
    review(p, resuming, passed=False, opinion="报警装置未联动", review_date=days_from_today(0))
    apply(p, resuming, content="已整改联动，再次申请复产")
    # Major, listed at city level without suspension, rectified then verified.
    verified = rectification_reported(p, suspended=False, listing=ListingLevel.CITY)
    verified = services.hazard_verify(hazard_id=verified.pk, actor=p.inspector,
                                      expected_version=fresh(verified).version, passed=True, comment="复查合格")
    # A general hazard through to its sign-off.
    signed_off = rectification_reported(p, level=HazardLevel.GENERAL)
    signed_off = services.hazard_verify(hazard_id=signed_off.pk, actor=p.inspector,
                                        expected_version=fresh(signed_off).version, passed=True, comment="合格")
    signed_off = services.hazard_sign_off(hazard_id=signed_off.pk, actor=p.supervisor,
                                          expected_version=fresh(signed_off).version)
    # A hazard of no enterprise (a road, a market), and a report that duplicates it.
    roadside = HazardFactory(enterprise=None, region=factories.region("430522100"), source=HazardSource.TIPOFF,
                             original_deadline=days_from_today(-3), current_deadline=days_from_today(2),
                             funds_spent=Decimal("0.1"), found_by=p.inspector)
    duplicate = HazardFactory(enterprise=p.enterprise, status=HazardStatus.REJECTED, duplicate_of=roadside,
                              rejection_reason="重复上报", confirmed_by=p.supervisor)
    # A long timeline, each event with its attachment.
    history = hazard_with_history(15, p.supervisor, p.contact)
    return [reported, extended, resuming, verified, signed_off, roadside, duplicate, history]


def detail_request(user, pk: int) -> Request:
    request = Request(APIRequestFactory().get(f"/api/hazards/{pk}/"))
    request.user = user
    return request


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_detail_is_what_the_generic_serializers_write(people, language):
    hazards = hazards_in_every_state(people)
    seen = 0
    with translation.override(language):
        for viewer in (people.supervisor, people.contact, people.city_supervisor):
            for hazard in hazards:
                if not Hazard.objects.visible_to(viewer).filter(pk=hazard.pk).exists():
                    continue
                request = detail_request(viewer, hazard.pk)
                instance = hazard_detail(user=viewer, pk=hazard.pk)
                serializer = HazardDetailSerializer(instance, context={"request": request, "format": None})
                fast, slow = serializer.data, generic(serializer, instance)
                assert fast == slow
                # Key order and types too: what the client receives is the same bytes.
                assert JSONRenderer().render(fast) == JSONRenderer().render(slow)
                seen += 1
    # Every hazard by the two supervisors, the enterprise's own by its contact.
    assert seen == len(hazards) * 2 + sum(h.enterprise_id == people.enterprise.pk for h in hazards) == 22


def test_the_detail_shows_every_part_of_the_hazard(people):
    """The comparison above covers the parts it is given: they are all there."""
    client = APIClient()
    client.force_authenticate(people.supervisor)
    reported, extended, resuming, _, _, roadside, duplicate, _ = hazards_in_every_state(people)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    resuming = client.get(f"/api/hazards/{resuming.pk}/").json()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert resuming["plan"]["goals_and_tasks"] == "消除液氨储罐泄漏风险"
    assert resuming["listing"]["level"] == ListingLevel.COUNTY
    assert [a["status"] for a in resuming["resume_applications"]] == ["pending", "failed"]
    assert resuming["status_label"] == "Rectification reported"
    extended = client.get(f"/api/hazards/{extended.pk}/").json()
    assert [x["status"] for x in extended["extension_requests"]] == ["pending", "refused"]
    assert extended["funds_planned"] == "1200.50"
    assert extended["assigned_inspector"]["id"] == people.second_inspector.pk
    assert "decide_extension" in extended["available_transitions"]
    reported = client.get(f"/api/hazards/{reported.pk}/").json()
    photos = reported["attachments"]
    assert len(photos) == 2 and reported["events"][0]["attachments"] == photos
    # The URLs are the attachment view's, each its own.
    assert [a["url"] for a in photos] == [
        f"http://testserver{reverse('hazards:attachment', args=[a['id']])}" for a in photos]
    assert photos[0]["thumbnail_url"] == f"http://testserver{reverse('hazards:attachment-thumb', args=[photos[0]['id']])}"
    assert reported["latitude"] == "27.312300"
    duplicate = client.get(f"/api/hazards/{duplicate.pk}/").json()
    assert duplicate["duplicate_of"] == roadside.pk
    assert isinstance(datetime.datetime.fromisoformat(duplicate["created_at"]), datetime.datetime)


def test_the_detail_offers_the_actions_the_services_would_allow(people, django_assert_num_queries):
    """The offered actions read the rows the detail prefetched (pending extension and resume
    applications, after-photos); on a hazard fetched alone the same guards ask the database.
    Both give the same actions, whatever the hazard and whoever looks — and the detail's own
    answer costs no statement."""
    hazards = hazards_in_every_state(people)
    offered = set()
    for viewer in (people.supervisor, people.contact, people.city_supervisor, people.inspector):
        for hazard in hazards:
            if not Hazard.objects.visible_to(viewer).filter(pk=hazard.pk).exists():
                continue
            detail = hazard_detail(user=viewer, pk=hazard.pk)
            with django_assert_num_queries(0):
                from_prefetched = [t.name for t in available_transitions(detail, viewer)]
            alone = [t.name for t in available_transitions(Hazard.objects.get(pk=hazard.pk), viewer)]
            assert from_prefetched == alone, (hazard.pk, viewer.username)
            offered.update(from_prefetched)
    # The guards that read related rows were each reached, allowing and refusing.
    assert {"request_extension", "decide_extension", "review_resume", "verify", "sign_off"} <= offered


def test_each_timeline_event_shows_its_own_attachments(people):
    """The detail fetches a hazard's attachments once and hands each event its own: the same
    rows, in the same order, as the event's attachments in the database."""
    client = APIClient()
    client.force_authenticate(people.supervisor)
    events_with_attachments = 0
    for hazard in hazards_in_every_state(people):
        body = client.get(f"/api/hazards/{hazard.pk}/").json()
        for event in body["events"]:
            stored = list(Attachment.objects.filter(event_id=event["id"]).order_by("uploaded_at", "id")
                          .values_list("id", flat=True))
            assert [a["id"] for a in event["attachments"]] == stored
            events_with_attachments += bool(stored)
        assert [a["id"] for a in body["attachments"]] == list(
            Attachment.objects.filter(hazard=hazard).order_by("uploaded_at", "id").values_list("id", flat=True))
    assert events_with_attachments >= 17  # the reported photos, the rectifications' after-photos, the history's 15


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_listing_is_what_the_generic_serializer_writes(people, language):
    """The detail's 挂牌督办 block is written directly too: the same as ListingSerializer's
    generic output, for a county listing with its document and date and a city one without."""
    county = rectification_reported(people)
    city = rectification_reported(people, suspended=False, listing=ListingLevel.CITY)
    Hazard.objects.filter(pk=city.pk).update(listing_doc_no="", listing_date=None)
    with translation.override(language):
        for hazard in (Hazard.objects.get(pk=county.pk), Hazard.objects.get(pk=city.pk)):
            serializer = HazardDetailSerializer(context={})
            fast = serializer.get_listing(hazard)
            assert fast == generic(ListingSerializer(), hazard)
            assert JSONRenderer().render(fast) == JSONRenderer().render(generic(ListingSerializer(), hazard))
            assert fast["level_label"] == str(ListingLevel(hazard.listing_level).label)
