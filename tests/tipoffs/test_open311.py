"""Open311 GeoReport v2 under /open311/v2/: existing civic-reporting apps list the sectors as
services, post tip-offs with an API key (form-encoded, the standard's field names) and read the
public status back; errors come as [{"code": …, "description": …}]. No personal data goes out."""
from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from hazards import services as hazard_services
from tests import factories
from tests.tipoffs.test_triage import accept, submit
from tipoffs import services
from tipoffs.choices import Channel, TipOffStatus
from tipoffs.models import Open311Client, TipOff
from tipoffs.selectors import open311_closed_q, open311_open_q, public_status_of, public_tipoffs

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
POST = {
    "service_code": "hazchem",
    "lat": "27.312345",
    "long": "111.458765",
    "address_string": "新邵县酿溪镇工业园化工厂东门",
    "description": "化工厂罐区夜间有液体从围堰流出，气味刺鼻。",
    "media_url": "https://example.org/photos/1.jpg",
    "email": "reporter@example.org",
    "first_name": "小明",
    "last_name": "王",
    "phone": "13912345678",
    "device_id": "tt222111",
}
PERSONAL = ("reporter@example.org", "小明", "13912345678", "王小明")


@pytest.fixture
def api_key(people):
    return factories.open311_client("430522")[1]


def post(client, data, fmt="json"):
    return client.post(f"/open311/v2/requests.{fmt}", data)


def errors(response) -> list[dict]:
    body = response.json()
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}, body
    return body


def test_services_are_the_sectors_with_the_standard_fields(client, people):
    response = client.get("/open311/v2/services.json")

    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    services_list = response.json()
    assert {s["service_code"] for s in services_list} >= {"hazchem", "fire", "construction"}
    fire = next(s for s in services_list if s["service_code"] == "fire")
    assert set(fire) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert fire["service_name"] == "消防" and fire["metadata"] is False and fire["type"] == "realtime"


def test_post_without_an_api_key_is_refused_with_403_in_the_standard_format(client, people):
    response = post(client, POST)

    assert response.status_code == 403
    assert errors(response)[0]["code"] == 403 and "api_key" in errors(response)[0]["description"]
    assert not TipOff.objects.exists()


def test_post_with_a_wrong_or_revoked_key_is_refused(client, people, api_key):
    assert post(client, {**POST, "api_key": api_key + "x"}).status_code == 403
    Open311Client.objects.update(is_active=False)
    assert post(client, {**POST, "api_key": api_key}).status_code == 403
    assert not TipOff.objects.exists()


def test_round_trip_with_the_standards_field_names(client, people, api_key):
    created = post(client, {**POST, "api_key": api_key})

    assert created.status_code == 200, created.content
    body = created.json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    request_id = body[0]["service_request_id"]

    tipoff = TipOff.objects.get(tracking_code=request_id)
    assert tipoff.channel == Channel.OPEN311 and tipoff.region_id == "430522100"  # from address_string
    assert tipoff.reporter_email == "reporter@example.org" and tipoff.reporter_name == "王小明"

    single = client.get(f"/open311/v2/requests/{request_id}.json")
    assert single.status_code == 200
    (row,) = single.json()
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == request_id and row["status"] == "open"
    assert row["service_code"] == "hazchem" and row["service_name"] == "危险化学品"
    assert row["description"] == POST["description"] and row["address"] == POST["address_string"]
    assert row["lat"] == pytest.approx(27.312345) and row["long"] == pytest.approx(111.458765)
    assert row["media_url"] == POST["media_url"]
    assert datetime.datetime.fromisoformat(row["requested_datetime"]).utcoffset() == datetime.timedelta(hours=8)

    listed = client.get("/open311/v2/requests.json")
    assert [r["service_request_id"] for r in listed.json()] == [request_id]
    for response in (single, listed):
        for private in PERSONAL:
            assert private not in response.content.decode()


def test_the_tipoff_reaches_the_staff_queue_with_the_contact_details(client, people, api_key):
    post(client, {**POST, "api_key": api_key})
    client.force_login(people.inspector)

    tipoff = TipOff.objects.get()
    page = client.get(f"/tipoffs/{tipoff.pk}/").content.decode()
    assert "reporter@example.org" in page and "测试客户端" in page


def test_status_follows_the_triage(client, people, api_key):
    request_id = post(client, {**POST, "api_key": api_key}).json()[0]["service_request_id"]
    tipoff = TipOff.objects.get()
    services.tipoff_reject(tipoff_id=tipoff.pk, actor=people.supervisor, expected_version=1,
                           reason="经核查，罐区流出的是雨水。")

    (row,) = client.get(f"/open311/v2/requests/{request_id}.json").json()
    assert row["status"] == "closed" and "雨水" in row["status_notes"]
    assert client.get("/open311/v2/requests.json", {"status": "open"}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"status": "closed"}).json()) == 1


def test_open_and_closed_agree_in_sql_and_on_the_page(people):
    waiting = submit()
    accepted = accept(submit(), people.supervisor)
    found_wrong = accept(submit(), people.supervisor)
    hazard_services.hazard_reject(hazard_id=found_wrong.hazard_id, actor=people.supervisor,
                                  expected_version=found_wrong.hazard.version, reason="不构成隐患")
    duplicate = services.tipoff_mark_duplicate(tipoff_id=submit().pk, actor=people.supervisor, expected_version=1,
                                               hazard_code=accepted.hazard.code)
    rejected = services.tipoff_reject(tipoff_id=submit().pk, actor=people.supervisor, expected_version=1, reason="x")

    in_python = {t.pk for t in public_tipoffs() if public_status_of(t).is_open}
    assert in_python == {waiting.pk, accepted.pk}
    assert set(public_tipoffs().filter(open311_open_q()).values_list("pk", flat=True)) == in_python
    assert set(public_tipoffs().filter(open311_closed_q()).values_list("pk", flat=True)) == {
        found_wrong.pk, duplicate.pk, rejected.pk}


def test_web_tipoffs_are_not_listed_but_can_be_read_by_their_code(client, people):
    tipoff = submit()

    assert client.get("/open311/v2/requests.json").json() == []
    (row,) = client.get(f"/open311/v2/requests/{tipoff.tracking_code}.json").json()
    assert row["status"] == "open" and "王举报" not in json.dumps(row, ensure_ascii=False)
    listed = client.get("/open311/v2/requests.json", {"service_request_id": tipoff.tracking_code}).json()
    assert [r["service_request_id"] for r in listed] == [tipoff.tracking_code]


def test_unknown_request_is_a_404_in_the_standard_format(client, people):
    response = client.get("/open311/v2/requests/2345-6789-ABCD.json")

    assert response.status_code == 404 and errors(response)[0]["code"] == 404


@pytest.mark.parametrize("change, status, words", [
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "potholes"}, 404, "potholes"),
    ({"lat": "", "long": "", "address_string": ""}, 400, "lat"),
    ({"lat": "", "long": "", "address_string": "", "address_id": "545483"}, 400, "address_id"),
    ({"description": ""}, 400, "description"),
    ({"lat": "127.5"}, 400, "lat"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"jurisdiction_id": "999999"}, 404, "jurisdiction_id"),
])
def test_bad_requests_say_what_is_wrong(client, people, api_key, change, status, words):
    response = post(client, {**POST, "api_key": api_key, **change})

    assert response.status_code == status
    assert words in errors(response)[0]["description"]
    assert not TipOff.objects.exists()


def test_jurisdiction_id_names_the_region(client, people, api_key):
    post(client, {**POST, "api_key": api_key, "jurisdiction_id": "430407", "address_string": "某工地"})

    assert TipOff.objects.get().region_id == "430407"
    assert len(client.get("/open311/v2/requests.json", {"jurisdiction_id": "430407"}).json()) == 1
    assert client.get("/open311/v2/requests.json", {"jurisdiction_id": "430522"}).json() == []


def test_without_a_recognisable_place_the_clients_region_is_used(client, people, api_key):
    post(client, {**POST, "api_key": api_key, "address_string": "", "lat": "27.3", "long": "111.4"})

    assert TipOff.objects.get().region_id == "430522"


def test_the_list_filters_by_service_code_and_dates(client, people, api_key):
    post(client, {**POST, "api_key": api_key})
    post(client, {**POST, "api_key": api_key, "service_code": "fire"})

    assert len(client.get("/open311/v2/requests.json", {"service_code": "fire"}).json()) == 1
    assert len(client.get("/open311/v2/requests.json", {"service_code": "fire,hazchem"}).json()) == 2
    long_ago = {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-02-01T00:00:00Z"}
    assert client.get("/open311/v2/requests.json", long_ago).json() == []
    today = timezone.localdate().isoformat()
    assert len(client.get("/open311/v2/requests.json", {"start_date": f"{today}T00:00:00+08:00"}).json()) == 2


@pytest.mark.parametrize("params, words", [
    ({"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"}, "90"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"status": "pending"}, "status"),
])
def test_bad_list_queries_are_400(client, people, params, words):
    response = client.get("/open311/v2/requests.json", params)

    assert response.status_code == 400 and words in errors(response)[0]["description"]


def test_xml_is_served_too(client, people, api_key):
    created = post(client, {**POST, "api_key": api_key}, fmt="xml")

    assert created["Content-Type"] == "text/xml; charset=utf-8"
    assert created.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    request_id = ElementTree.fromstring(created.content).find("request/service_request_id").text
    detail = ElementTree.fromstring(client.get(f"/open311/v2/requests/{request_id}.xml").content)
    assert detail.tag == "service_requests" and detail.find("request/status").text == "open"
    services_xml = ElementTree.fromstring(client.get("/open311/v2/services.xml").content)
    assert services_xml.find("service/metadata").text == "false"
    no_key = client.post("/open311/v2/requests.xml", POST)
    assert no_key.status_code == 403 and ElementTree.fromstring(no_key.content).find("error/code").text == "403"


def test_discovery_points_at_the_endpoint(client, people):
    body = client.get("/open311/discovery.json").json()

    assert body["endpoints"][0]["url"].endswith("/open311/v2")
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"


def test_api_clients_are_limited_too(client, people, api_key, settings):
    settings.TIPOFFS_RATE_LIMITS = {"open311": "1/3600"}
    assert post(client, {**POST, "api_key": api_key}).status_code == 200

    response = post(client, {**POST, "api_key": api_key})

    assert response.status_code == 429 and errors(response)[0]["code"] == 429
    assert TipOff.objects.filter(status=TipOffStatus.RECEIVED).count() == 1


def test_api_keys_are_stored_only_as_hashes(people):
    client_row, key = services.open311_client_create(name="某市民App", region=factories.region("430522"))

    assert key not in (client_row.key_hash, client_row.key_prefix) and len(key) > 40
    assert services.open311_client_for_key(key) == client_row
    assert services.open311_client_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert services.open311_client_for_key("") is None
