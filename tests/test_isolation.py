"""Jurisdiction isolation, proven on every URL of the site.

The routes come from Django's URL resolver — every app's pages and every DRF route under /api/
— so an endpoint added tomorrow is covered without anyone remembering: it fails
`test_every_route_is_classified` until it has an entry in tests/isolation_registry.py, and
from then on each role (county inspector and supervisor of 新邵县 430522, the 邵阳市 4305 city
supervisor, an enterprise contact, a grid worker) requests objects of another jurisdiction
(衡阳市石鼓区 4304; another enterprise for the contact) through it and must get 404 — never the
data: the other object's code, title or name must not appear in what comes back.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests import isolation_registry as registry
from tests.isolation_registry import (
    ROLES,
    AdminOnly,
    ListOf,
    LoginOnly,
    Public,
    Reference,
    Scoped,
    StaffOnly,
    Target,
)

REGISTRY_FILE = "tests/isolation_registry.py"


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or "namespace:<pattern>" for unnamed routes
    pattern: str  # the full path pattern, e.g. "api/hazards/<int:pk>/confirm/"
    drf_methods: tuple[str, ...] | None  # a DRF ViewSet route's HTTP methods

    @property
    def name(self) -> str:
        return self.key


def iter_routes(patterns=None, prefix: str = "", namespace: str | None = None):
    """Every URL pattern, depth first, with its namespaced name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            label = entry.name or full
            key = f"{namespace}:{label}" if namespace else label
            actions = getattr(entry.callback, "actions", None)
            methods = tuple(m.upper() for m in actions) if actions else None
            yield Route(key=key, pattern=full, drf_methods=methods)


ROUTES = list(iter_routes())
ROUTE_KEYS = sorted({r.key for r in ROUTES})


def test_every_route_is_classified():
    missing = [f"  {r.key!r}  (/{r.pattern})" for r in ROUTES if registry.rule_for(r.key) is None]
    assert not missing, (
        "These routes are not classified for the jurisdiction isolation test:\n" + "\n".join(missing)
        + f"\nAdd an entry for each to ROUTES in {REGISTRY_FILE}: say how to build an object of "
        "another jurisdiction (Scoped/ListOf with a builder), or why it has none (LoginOnly, "
        "AdminOnly, Reference, Public). The module docstring explains each rule."
    )


def test_the_registry_names_no_route_that_is_gone():
    stale = [key for key in registry.ROUTES
             if not key.endswith(":*") and key not in ROUTE_KEYS]
    stale += [key for key in registry.ROUTES
              if key.endswith(":*") and not any(k.startswith(key[:-1]) for k in ROUTE_KEYS)]
    assert not stale, f"{REGISTRY_FILE} classifies routes that no longer exist: {stale}"


def test_the_walk_finds_the_api_routes_of_the_router():
    keys = set(ROUTE_KEYS)
    assert {"api:hazard-list", "api:hazard-detail", "api:hazard-sign-off", "hazards:detail"} <= keys
    assert next(r for r in ROUTES if r.key == "api:hazard-detail").drf_methods == ("GET", "PUT", "PATCH")


# --- requests ---------------------------------------------------------------------------------

def url_of(route: Route, kwargs: dict) -> str:
    """Fill the route's pattern with `kwargs` (works for every converter, named or not)."""
    def fill(match):
        name = match.group("name")
        if name not in kwargs:
            raise KeyError(f"route {route.key} needs URL kwarg {name!r}")
        return str(kwargs[name])

    if route.pattern.startswith("^") or "(?P<" in route.pattern:  # a re_path
        path = re.sub(r"\(\?P<(?P<name>\w+)>[^()]*(?:\([^()]*\)[^()]*)*\)", fill, route.pattern)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
    else:
        path = re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", fill, route.pattern)
    return "/" + path


def _has_file(data: dict) -> bool:
    return any(hasattr(v, "read") or (isinstance(v, list) and v and hasattr(v[0], "read")) for v in data.values())


def send(client: Client, method: str, url: str, body: dict | None, query: dict | None = None):
    body = body or {}
    method = method.upper()
    if method == "GET":
        return client.get(url, query or {})
    if url.startswith("/api/") and not _has_file(body):
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def body_for(rule, method: str, target: Target | None) -> dict:
    value = getattr(rule, "body", {}).get(method)
    return value(target) if callable(value) else dict(value or {})


def text_of(response) -> str:
    """Everything a client receives, as text: headers and the body, decoded for exports."""
    if getattr(response, "streaming", False):
        # A streamed body can be read once: keep it, or a second look would search only headers.
        if not hasattr(response, "_isolation_body"):
            response._isolation_body = b"".join(response.streaming_content)
        raw = response._isolation_body
    else:
        raw = response.content
    content_type = response.get("Content-Type", "")
    parts = [f"{k}: {v}" for k, v in response.items()]
    if "spreadsheetml" in content_type or raw[:2] == b"PK":
        try:
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
            parts += [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
        except Exception:
            pass
    elif "pdf" in content_type or raw[:4] == b"%PDF":
        from pypdf import PdfReader

        parts += [page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages]
    parts.append(raw.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def assert_no_markers(response, markers: list[str], context: str):
    text = text_of(response)
    leaked = [m for m in markers if m and m in text]
    assert not leaked, f"{context}: answered {response.status_code} and showed {leaked} of another jurisdiction"


def assert_not_5xx(response, context: str):
    assert response.status_code < 500, f"{context}: server error {response.status_code}"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def asks_to_log_in(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "login" in response["Location"]


# --- the isolation test itself -----------------------------------------------------------------

CHECKED = [k for k in ROUTE_KEYS if registry.rule_for(k) is not None and not isinstance(registry.rule_for(k), StaffOnly)]


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return registry.make_world()


@pytest.mark.parametrize("key", CHECKED)
def test_no_role_gets_another_jurisdictions_data(key, world):
    route = next(r for r in ROUTES if r.key == key)
    rule = registry.rule_for(key)
    check = {
        Scoped: _check_scoped, ListOf: _check_list, LoginOnly: _check_login_only, AdminOnly: _check_admin_only,
        Reference: _check_reference, Public: _check_public,
    }[type(rule)]
    check(route, rule, world)


def _foreign_markers(world, role) -> list[str]:
    """Names of the other places that no page may show the role (the far region and
    enterprise; objects made during the test add their own markers)."""
    markers = [world.far.enterprise.name, world.far.enterprise.credit_code, world.far.region.name]
    if role == "enterprise":
        markers += [world.neighbour.enterprise.name, world.neighbour.enterprise.credit_code]
    return markers


def _check_scoped(route: Route, rule: Scoped, world):
    methods = rule.methods or route.drf_methods or ("GET",)
    for role in rule.roles:
        user = world.users[role]
        client = client_for(user)
        for variant in rule.variants:
            for method in methods:
                own = rule.build(world, world.own, user)
                context = f"{role} {method} {route.key} {variant or ''}"
                response = send(client, method, url_of(route, {**own.kwargs, **variant}), body_for(rule, method, own))
                assert_not_5xx(response, f"{context} (own object)")
                if role not in rule.own_hidden_for:
                    assert response.status_code != 404, (
                        f"{context}: the object of the user's OWN jurisdiction answered 404 — the "
                        f"registry's builder or URL kwargs are wrong, so the test would prove nothing")
                for place in world.foreign_places(role):
                    foreign = rule.build(world, place, user)
                    url = url_of(route, {**foreign.kwargs, **variant})
                    response = send(client, method, url, body_for(rule, method, foreign))
                    assert response.status_code in rule.expect, (
                        f"{context} on an object of {place.tag} ({url}) answered {response.status_code}, "
                        f"expected {sorted(rule.expect)}")
                    assert_no_markers(response, foreign.markers + _foreign_markers(world, role), context)
    # Anonymous visitors are sent to log in, and see nothing either.
    foreign = rule.build(world, world.far, None)
    for method in methods:
        response = send(Client(), method, url_of(route, {**foreign.kwargs, **rule.variants[0]}),
                        body_for(rule, method, foreign))
        assert asks_to_log_in(response) or response.status_code == 404, f"anonymous {method} {route.key}"
        assert_no_markers(response, foreign.markers, f"anonymous {method} {route.key}")


def _check_list(route: Route, rule: ListOf, world):
    url = url_of(route, _kwargs(rule, world))
    for role in rule.refused_for:  # roles this page is not for: refused, and shown nothing
        user = world.users[role]
        foreign = [rule.build(world, place, user) for place in (world.own, *world.foreign_places(role))]
        response = client_for(user).get(url, rule.query)
        assert response.status_code in (403, 404), f"{role} GET {route.key}: {response.status_code}"
        # The refusal is a page in the site layout, whose header names the user's own region and
        # unit ("企业整改责任人 · 酿溪镇"): that is who they are, not data of the page they were refused.
        text = text_of(response)
        for identity in (getattr(user.region, "name", ""), getattr(user.enterprise, "name", "")):
            text = text.replace(identity, "") if identity else text
        leaked = [m for t in foreign for m in t.markers if m and m in text]
        assert not leaked, f"{role} GET {route.key}: answered {response.status_code} and showed {leaked}"
    for role in rule.roles:
        user = world.users[role]
        own = rule.build(world, world.own, user)
        foreign = [rule.build(world, place, user) for place in world.foreign_places(role)]
        response = client_for(user).get(url, rule.query)
        context = f"{role} GET {route.key}"
        assert response.status_code == 200, f"{context}: {response.status_code}"
        text = text_of(response)
        if role not in rule.own_hidden_for:
            assert any(m in text for m in own.markers), (
                f"{context}: the user's OWN object ({own.markers}) is not listed — the registry's "
                "builder or query is wrong, so the test would prove nothing")
        for target in foreign:
            assert_no_markers(response, target.markers + _foreign_markers(world, role), context)
    response = Client().get(url, rule.query)
    assert asks_to_log_in(response), f"anonymous GET {route.key}: {response.status_code}"


def _check_login_only(route: Route, rule: LoginOnly, world):
    url = url_of(route, {})
    for method in rule.methods:
        anonymous = send(Client(), method, url, body_for(rule, method, None))
        assert asks_to_log_in(anonymous), f"anonymous {method} {route.key}: {anonymous.status_code}"
    for role in ROLES:
        user = world.users[role]
        markers = list(_foreign_markers(world, role))
        for place in world.foreign_places(role):
            markers += registry.hazard(world, place, user).markers  # something there that could leak
            if rule.build:
                markers += rule.build(world, place, user).markers
        for method in rule.methods:
            response = send(client_for(user), method, url, body_for(rule, method, None))
            assert_not_5xx(response, f"{role} {method} {route.key}")
            assert_no_markers(response, markers, f"{role} {method} {route.key}")


def _check_admin_only(route: Route, rule: AdminOnly, world):
    url = url_of(route, _kwargs(rule, world))
    for role in ROLES:
        for method in rule.methods:
            response = send(client_for(world.users[role]), method, url, {})
            assert response.status_code in rule.expect, f"{role} {method} {route.key}: {response.status_code}"
    for method in rule.methods:
        assert asks_to_log_in(send(Client(), method, url, {})), f"anonymous {method} {route.key}"


def _kwargs(rule, world) -> dict:
    return rule.kwargs(world) if callable(rule.kwargs) else rule.kwargs


def _check_reference(route: Route, rule: Reference, world):
    url = url_of(route, _kwargs(rule, world))
    for role in ROLES:
        response = client_for(world.users[role]).get(url)
        assert response.status_code == 200, f"{role} GET {route.key}: {response.status_code}"
        assert_no_markers(response, _foreign_markers(world, role), f"{role} GET {route.key}")
    assert asks_to_log_in(Client().get(url)), f"anonymous GET {route.key}"


def _check_public(route: Route, rule: Public, world):
    far = registry.hazard(world, world.far, None)
    url = url_of(route, _kwargs(rule, world))
    for method in rule.methods:
        response = send(Client(), method, url, {})
        assert_not_5xx(response, f"anonymous {method} {route.key}")
        if not rule.published:
            assert_no_markers(response, far.markers + _foreign_markers(world, "inspector"),
                              f"anonymous {method} {route.key}")


# --- the Django admin: staff only ----------------------------------------------------------------

# The admin's own login and logout pages answer everyone (they show no data).
ADMIN_OPEN_PAGES = {"admin:login", "admin:logout"}


def test_the_admin_site_sends_every_role_to_its_login(world):
    """The admin sees the whole province (no jurisdiction there): it opens only for
    province-wide administrators (tests/security/test_admin_site.py), and granting is_staff is a
    recorded permission change."""
    far = registry.hazard(world, world.far, None).obj
    admin_routes = [r for r in ROUTES if isinstance(registry.rule_for(r.key), StaffOnly)]
    assert len(admin_routes) > 20
    checked = 0
    for route in admin_routes:
        if "(?P<" in route.pattern or "^" in route.pattern:
            continue  # regex routes (app index, catch-all) are covered by admin:index's check
        kwargs = {name: far.pk for name in re.findall(r"<(?:\w+:)?(\w+)>", route.pattern)}
        url = url_of(route, kwargs)
        if route.key in ADMIN_OPEN_PAGES:
            continue
        for role in (*ROLES, None):
            user = world.users[role] if role else None
            response = client_for(user).get(url)
            assert response.status_code in (302, 404), f"{role} GET {url}: {response.status_code}"
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"], f"{role} GET {url} → {response['Location']}"
            assert far.code not in text_of(response)
            checked += 1
    assert checked > 50


# --- no inline script or style in any template (Content-Security-Policy) -------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>\s*\S", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.I)


def _project_templates():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.glob("**/templates/**/*.html")):
        rel = path.relative_to(root)
        if rel.parts[0] in (".venv", "var", "node_modules") or rel.parts[:2] == ("templates", "pdf"):
            continue  # PDF templates are rendered by WeasyPrint, never served to a browser
        if "pdf" in rel.parts:
            continue
        yield rel, path.read_text()


def test_no_template_has_inline_script_event_handlers_or_style():
    offenders = []
    for rel, text in _project_templates():
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (HANDLER_ATTRIBUTE, "on…= handler"),
                              (STYLE, "style attribute/element")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{rel}:{line}: {what}: {match.group(0)[:60]!r}")
    assert not offenders, (
        "The Content-Security-Policy (script-src/style-src 'self') blocks these; move the code to "
        "static/js/<app>.js and the styles to static/css/app.css:\n" + "\n".join(offenders))


def test_the_scan_would_catch_each_kind_of_inline_code():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{"a": 1}</script>')
    assert HANDLER_ATTRIBUTE.search('<button onclick="go()">')
    assert STYLE.search('<div style="color: red">') and STYLE.search("<style>p{}</style>")
    assert not HANDLER_ATTRIBUTE.search('<a data-once="x">') and not STYLE.search('<p class="style">')
