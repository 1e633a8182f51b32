"""Schema-driven fuzzing of the whole REST API (schemathesis, from the OpenAPI schema that
drf-spectacular builds from the code — so every API route another app adds is fuzzed too).

Each operation gets FUZZ_EXAMPLES generated requests (valid and invalid paths, queries, headers
and bodies), sent through the WSGI app as a county supervisor and as an enterprise contact
(token authentication, so no CSRF). Every answer must be a non-5xx, with a status code, content
type and body that the schema documents. Raise FUZZ_EXAMPLES locally to dig deeper:
`FUZZ_EXAMPLES=200 python3 dev.py test tests/security/test_api_fuzz.py`.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hazards import services
from tests import factories

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 8))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
application = WSGIHandler()


@pytest.fixture
def api_users(db, django_settings_for_fuzzing):
    """A county with hazards in several states, a supervisor and an enterprise contact."""
    enterprise = factories.EnterpriseFactory(region=factories.region("430522100"))
    supervisor = factories.supervisor("430522", username="fuzz_supervisor")
    contact = factories.enterprise_contact(enterprise, username="fuzz_contact")
    inspector = factories.inspector("430522", username="fuzz_inspector")
    for n in range(3):
        services.hazard_create(actor=inspector, data={"title": f"模糊测试隐患{n}", "enterprise": enterprise},
                               before_photos=[factories.photo()])
    return [Token.objects.create(user=user).key for user in (supervisor, contact)]


@pytest.fixture
def django_settings_for_fuzzing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False  # the token endpoint is fuzzed too: do not lock the fuzzer out
    # As Django's test client does: the test's transaction lives on one connection, which the
    # end of a request must not close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(case, api_users):
    for token in api_users:
        case.call_and_validate(app=application, headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# Values the generator above rarely reaches but an attacker sends first (issue #20: NUL, forty 9s
# and far-off dates were 500s): every query parameter of every list operation in the schema, by
# its schema type. Out of the documented range is a 400; nothing is a 5xx.
HOSTILE = {
    "integer": ["9" * 40, "3000000", "-1"],
    "date": ["9999-12-31", "0001-01-01", "99999-01-01"],
    "string": ["a\x00b", "\x01", "9" * 40],
}
RAW = schema.raw_schema


def _hostile_cases():
    for path, operations in RAW["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            if parameter.get("in") != "query":
                continue
            kind = parameter.get("schema", {})
            kind = kind.get("items", kind)
            key = "date" if kind.get("format") == "date" else kind.get("type", "string")
            for value in HOSTILE.get(key, HOSTILE["string"]):
                yield pytest.param(path, parameter["name"], value, key, id=f"{path}?{parameter['name']}={value[:12]!r}")


@pytest.mark.parametrize("path, name, value, kind", list(_hostile_cases()))
def test_hostile_query_values_are_refused_not_failed(client, api_users, path, name, value, kind):
    response = client.get(path, {name: value}, HTTP_AUTHORIZATION=f"Token {api_users[0]}")

    assert response.status_code < 500, (path, name, value, response.content[:300])
    if "\x00" in value or "\x01" in value:
        assert response.status_code == 400
