"""Open311 GeoReport v2 fuzzed: the standard's endpoints are plain Django views outside the
OpenAPI schema (schemathesis in tests/security/test_api_fuzz.py does not reach them), so
hypothesis sends them arbitrary field values here. Whatever comes in, the answer is never a 5xx,
and is either the standard's success body or its error format [{"code", "description"}]."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tipoffs.models import TipOff

pytestmark = pytest.mark.django_db

FIELDS = ("service_code", "lat", "long", "address_string", "address_id", "description", "media_url", "email",
          "first_name", "last_name", "phone", "device_id", "account_id", "attribute[weird]", "jurisdiction_id")
# Text a client might send: any characters, NUL and other controls included (a form-encoded
# field carries %00; the second attack found the 500 this list used to leave out), numbers in
# any shape and far past any column's range, out-of-range dates, the sectors' codes, long values.
TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(max_size=10).map(lambda t: t + "\x00"),
    st.sampled_from(["9" * 40, "3000000", "-9" * 20, "0000-00-00", "9999-12-31T23:59:59Z", "10000-01-01",
                     "0001-01-01T00:00:00-23:59", "\x00", "a\x01b"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.sampled_from(["hazchem", "coal", "fire", "", " ", "43", "430522", "-91", "181", "1e400"]),
    st.text(alphabet="隐患化工厂东门漏液", min_size=2000, max_size=6000),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=len(FIELDS))
QUERIES = st.dictionaries(
    st.sampled_from(["service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id"]),
    TEXT, max_size=4)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def api_key(people, settings):
    settings.TIPOFFS_RATE_LIMITS = {}  # the limit has its own test; here every example must reach the view
    return factories.open311_client("430522")[1]


@pytest.fixture
def unlimited(settings):
    # Look-ups by id share the tracking limit (its own test is in tests/security); every example must reach the view.
    settings.TIPOFFS_RATE_LIMITS = {"track": ""}


def standard_error(body) -> bool:
    return isinstance(body, list) and bool(body) and all(set(e) == {"code", "description"} for e in body)


@FUZZ
@given(form=FORMS, with_key=st.booleans())
def test_posting_anything_answers_the_standard_way_and_never_fails(client, api_key, form, with_key):
    before = TipOff.objects.count()
    data = {**form, "api_key": api_key} if with_key else form

    response = client.post("/open311/v2/requests.json", data)

    assert response.status_code < 500, (data, response.content[:300])
    body = response.json()
    if response.status_code == 200:
        assert isinstance(body, list) and set(body[0]) >= {"service_request_id"}
        assert TipOff.objects.count() == before + 1
    else:
        assert response.status_code in (400, 403, 404), response.status_code
        assert standard_error(body), body
        assert TipOff.objects.count() == before  # a refused request leaves nothing behind


@FUZZ
@given(query=QUERIES, fmt=st.sampled_from(["json", "xml"]))
def test_reading_with_any_query_answers_the_standard_way_and_never_fails(client, people, unlimited, query, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", query)

    # 404: a jurisdiction_id that names no region here (the standard's answer for it).
    assert response.status_code in (200, 400, 404), (query, response.status_code, response.content[:300])
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and (response.status_code == 200 or standard_error(body)), body


@FUZZ
@given(request_id=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/?#%"),
                          min_size=1, max_size=40))
def test_reading_any_request_id_is_a_request_or_a_standard_404(client, people, unlimited, request_id):
    response = client.get(f"/open311/v2/requests/{request_id}.json")

    assert response.status_code in (200, 404), (request_id, response.status_code)
    assert response.status_code == 200 or standard_error(response.json())
