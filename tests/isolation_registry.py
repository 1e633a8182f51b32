"""Every URL of the site, classified for the jurisdiction isolation test (tests/test_isolation.py).

The test walks the URL resolver (every app's pages and every DRF route under /api/) and FAILS
for a route that has no entry here. To classify a new route, add `"<namespace>:<name>": rule`
to ROUTES (routes without a name are keyed `"<namespace>:<route pattern>"`):

    Scoped(build)          a page or API action on ONE object of a jurisdiction (detail, edit,
                           transition, attachment download, a statistic of one region …).
                           `build(world, place, user)` makes such an object in `place` and
                           returns `Target(kwargs=<URL kwargs>, markers=[texts only its owner may
                           see])`. Every role requests the object of its OWN place (must not be
                           404: proves the URL is right) and objects of OTHER places (衡阳市石鼓区
                           4304; another enterprise for an enterprise contact): the answer must
                           be one of `expect` (404; add 403 only where the object's existence
                           is public) and no marker may appear in the body or headers.
                           `methods`: defaults to the DRF route's methods, else ("GET",);
                           `body`: {method: dict or callable(target) -> dict} (sent as JSON to
                           /api/, as a form elsewhere; a value that is a file makes it multipart);
                           `variants`: extra URL kwargs, each tried (e.g. every transition name).
    ListOf(build)          a list, search, export or statistic: a 200 for everyone logged in, the
                           own object's marker IS in it (the page really lists), the other places'
                           markers are NOT. Exports are decoded (xlsx, pdf, csv) before searching.
                           `query`: query string to add (e.g. {"format": "xlsx"}).
    LoginOnly()            a page of the user's own things with no object in the URL (home,
                           inbox, password change): anonymous visitors are sent to log in; no
                           other place's marker appears for any role.
    AdminOnly()            a page for administrators (role admin / superuser): 403 for the roles.
    StaffOnly()            the Django admin (is_staff only): every role is sent to its login.
    Reference()            the same reference data for every logged-in user (sectors).
    Public()               no login and no jurisdiction's data (health, login, schema).

Builders for new apps go at the end of this file: make the object with the app's factories or
services in `place.region` / `place.enterprise` and return its markers (code, title, name …).
"""
from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from django.utils import timezone

from tests import factories

_counter = itertools.count(1)


# --- the world every isolation test runs in ---------------------------------------------------

@dataclass
class Place:
    """Where objects are made: a township and an enterprise in it."""

    tag: str  # "OWN", "NBR" (same township, another enterprise), "FAR" (衡阳市石鼓区)
    region: Any
    enterprise: Any
    other_user: Any = None  # someone who lives there (recipient of its notices)

    def token(self) -> str:
        """A text unique in the whole database, to recognise this place's objects in a page."""
        return f"ISO{self.tag}{next(_counter):05d}"


@dataclass
class World:
    own: Place
    neighbour: Place
    far: Place
    users: dict[str, Any]

    def foreign_places(self, role: str) -> list[Place]:
        """What `role` must never see: another city's place; for an enterprise contact also
        another enterprise of the same township."""
        return [self.far, self.neighbour] if role == "enterprise" else [self.far]


ROLES = ("inspector", "supervisor", "city", "enterprise", "grid")


def make_world() -> World:
    from accounts.choices import Role

    def place(tag, code, name):
        region = factories.region(code, name)
        enterprise = factories.EnterpriseFactory(region=region, name=f"{name}{tag}企业有限公司")
        return Place(tag=tag, region=region, enterprise=enterprise)

    own = place("OWN", "430522100", "酿溪镇")
    neighbour = Place(tag="NBR", region=own.region,
                      enterprise=factories.EnterpriseFactory(region=own.region, name="酿溪镇NBR邻企有限公司"))
    far = place("FAR", "430407100", "衡阳石鼓街道ISOFARREGION")
    users = {
        "inspector": factories.inspector("430522", username="iso_inspector"),
        "supervisor": factories.supervisor("430522", username="iso_supervisor"),
        "city": factories.supervisor("4305", username="iso_city"),
        "enterprise": factories.enterprise_contact(own.enterprise, username="iso_contact"),
        "grid": factories.UserFactory(role=Role.GRID, region=own.region, username="iso_grid"),
    }
    own.other_user = factories.inspector("430522", username="iso_own_colleague")
    neighbour.other_user = factories.enterprise_contact(neighbour.enterprise, username="iso_neighbour_contact")
    far.other_user = factories.supervisor("430407", username="iso_far_supervisor")
    return World(own=own, neighbour=neighbour, far=far, users=users)


@dataclass
class Target:
    kwargs: dict = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    obj: Any = None


# --- rules ----------------------------------------------------------------------------------

Body = dict | Callable[[Target], dict]


@dataclass
class Scoped:
    build: Callable[[World, Place, Any], Target]
    methods: tuple[str, ...] | None = None
    body: dict[str, Body] = field(default_factory=dict)
    variants: list[dict] = field(default_factory=lambda: [{}])
    expect: frozenset = frozenset({404})
    roles: tuple[str, ...] = ROLES
    own_hidden_for: tuple[str, ...] = ()  # roles that legitimately cannot see even their own place's object


@dataclass
class ListOf:
    build: Callable[[World, Place, Any], Target]
    query: dict = field(default_factory=dict)
    roles: tuple[str, ...] = ROLES
    own_hidden_for: tuple[str, ...] = ()


@dataclass
class LoginOnly:
    methods: tuple[str, ...] = ("GET",)
    body: dict[str, Body] = field(default_factory=dict)


@dataclass
class AdminOnly:
    methods: tuple[str, ...] = ("GET",)


@dataclass
class StaffOnly:
    pass


@dataclass
class Reference:
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict = field(default_factory=dict)


@dataclass
class Public:
    methods: tuple[str, ...] = ("GET",)


# --- builders ---------------------------------------------------------------------------------

def hazard(w: World, place: Place, user, **fields) -> Target:
    token = place.token()
    fields.setdefault("title", f"隐患{token}")
    h = factories.HazardFactory(enterprise=place.enterprise, region=place.enterprise.region, **fields)
    return Target(kwargs={"pk": h.pk}, markers=[h.code, h.title], obj=h)


def attachment(w: World, place: Place, user) -> Target:
    from hazards.attachments import check_upload, store_attachment
    from hazards.models import Attachment

    target = hazard(w, place, user)
    checked = check_upload(factories.photo(f"{place.token()}.jpg"))
    item = store_attachment(hazard=target.obj, event=None, kind="before", checked=checked,
                            actor=place.other_user)
    item = Attachment.objects.get(pk=item.pk)
    return Target(kwargs={"pk": item.pk}, markers=[*target.markers, item.original_name], obj=item)


def enterprise(w: World, place: Place, user) -> Target:
    e = place.enterprise
    return Target(kwargs={"pk": e.pk}, markers=[e.name, e.credit_code], obj=e)


def region(w: World, place: Place, user) -> Target:
    r = place.region
    return Target(kwargs={"code": r.code}, markers=[r.name], obj=r)


def inbox_message(w: World, place: Place, user) -> Target:
    """An in-app notice about a hazard of `place`, addressed to the requesting user when the
    place is theirs, to someone who lives there otherwise."""
    from notices.choices import Channel, NoticeKind
    from notices.models import Delivery, Notice

    target = hazard(w, place, user, status="rectifying", original_deadline=_days(-3), current_deadline=_days(-3))
    notice = Notice.objects.create(hazard=target.obj, kind=NoticeKind.OVERDUE, level=1, deadline=_days(-3),
                                   as_of=_days(0), overdue_days=3)
    recipient = user if place is w.own else place.other_user
    delivery = Delivery.objects.create(notice=notice, channel=Channel.INAPP, recipient=recipient,
                                       sent_at=timezone.now(), status="sent")
    return Target(kwargs={"pk": delivery.pk}, markers=target.markers, obj=delivery)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


V = {"version": 1}
FULL_PLAN = {name: "方案内容" for name in (
    "goals_and_tasks", "methods_and_measures", "funds_and_materials", "people_in_charge", "time_limits",
    "safety_and_emergency")}


def _transition_names() -> list[dict]:
    from hazards.forms import TRANSITION_FORMS

    return [{"name": name} for name in TRANSITION_FORMS]


# --- the routes -------------------------------------------------------------------------------

ROUTES: dict[str, Any] = {
    # site
    "home": LoginOnly(),
    "healthz": Public(),
    "readyz": Public(),
    "set_language": Public(methods=("POST",)),
    "login": Public(),
    "logout": LoginOnly(methods=("POST",)),
    "password_change": LoginOnly(),
    "password_change_done": LoginOnly(),
    "api-schema": Public(),
    "api-docs": Public(),
    "admin:*": StaffOnly(),
    # hazards pages
    "hazards:ledger": ListOf(hazard),
    "hazards:new": LoginOnly(),
    "hazards:detail": Scoped(hazard),
    "hazards:edit": Scoped(hazard, methods=("GET", "POST"), body={"POST": {"title": "改写", "version": 1}}),
    "hazards:transition": Scoped(hazard, methods=("POST",), variants=_transition_names(), body={"POST": V}),
    "hazards:attachment": Scoped(attachment),
    "hazards:attachment-thumb": Scoped(attachment),
    # notices pages
    "notices:inbox": ListOf(inbox_message),
    "notices:read": Scoped(inbox_message, methods=("POST",)),
    "notices:read-all": LoginOnly(methods=("POST",)),
    "notices:runs": AdminOnly(),
    # API: accounts
    "api:auth-token": Public(methods=("POST",)),
    "api:region-list": ListOf(region, own_hidden_for=("enterprise",)),
    "api:region-detail": Scoped(region, own_hidden_for=("enterprise",)),
    "api:sector-list": Reference(),
    "api:sector-detail": Reference(kwargs={"code": "industry_trade"}),
    "api:enterprise-list": ListOf(enterprise),
    "api:enterprise-detail": Scoped(enterprise),
    # API: hazards
    "api:hazard-list": ListOf(hazard),
    "api:hazard-detail": Scoped(hazard, body={"PUT": {"title": "改写", "version": 1},
                                              "PATCH": {"title": "改写", "version": 1}}),
    "api:hazard-events": Scoped(hazard),
    "api:hazard-attachments": Scoped(hazard, body={
        "POST": lambda t: {"kind": "before", "files": [factories.photo("probe.jpg")]}}),
    "api:hazard-confirm": Scoped(hazard, body={"POST": V}),
    "api:hazard-reject": Scoped(hazard, body={"POST": {**V, "reason": "重复上报"}}),
    "api:hazard-assign": Scoped(hazard, body={"POST": lambda t: {
        **V, "responsible_unit": "某单位", "responsible_person": "李四", "measures": "整改",
        "deadline": _days(10).isoformat()}}),
    "api:hazard-submit-plan": Scoped(hazard, body={"POST": {**V, **FULL_PLAN}}),
    "api:hazard-list-supervision": Scoped(hazard, body={"POST": lambda t: {
        **V, "listing_level": "county", "doc_no": "督〔2026〕1号", "listing_date": _days(0).isoformat()}}),
    "api:hazard-request-extension": Scoped(hazard, body={"POST": lambda t: {
        **V, "requested_deadline": _days(30).isoformat(), "reason": "设备订货"}}),
    "api:hazard-decide-extension": Scoped(hazard, body={"POST": {**V, "approve": False, "comment": "不予批准"}}),
    "api:hazard-report-rectification": Scoped(hazard, body={"POST": {**V, "report": "已整改"}}),
    "api:hazard-verify": Scoped(hazard, body={"POST": {**V, "passed": True}}),
    "api:hazard-sign-off": Scoped(hazard, body={"POST": V}),
}


def rule_for(key: str):
    """The rule of a route key; "ns:*" entries cover a whole namespace."""
    if key in ROUTES:
        return ROUTES[key]
    namespace = key.split(":", 1)[0] if ":" in key else None
    return ROUTES.get(f"{namespace}:*") if namespace else None
