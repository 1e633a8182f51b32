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
                           `query`: query string to add (e.g. {"format": "xlsx"}); `kwargs`: URL
                           kwargs; `refused_for`: roles the page is not for (403/404, no data).
    LoginOnly()            a page of the user's own things with no object in the URL (home,
                           inbox, password change, a form): anonymous visitors are sent to log in;
                           no other place's marker appears for any role (`build`: what to make
                           elsewhere first, e.g. the app's objects for a figures page).
    AdminOnly()            a page for administrators (role admin / superuser): 403 for the roles.
    StaffOnly()            the Django admin (is_staff only): every role is sent to its login.
    Reference()            the same reference data for every logged-in user (sectors, checklists);
                           `kwargs` may be a callable(world).
    Public()               no login and no jurisdiction's data (health, login, schema); `kwargs`
                           may be a callable(world); `published=True` for pages the law makes
                           public (then the other places' names may appear).

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
    kwargs: dict | Callable[["World"], dict] = field(default_factory=dict)  # URL kwargs of a list that has some
    refused_for: tuple[str, ...] = ()  # roles the page is not for: 403/404 and nothing shown
    own_hidden_for: tuple[str, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(r for r in ROLES if r not in self.refused_for)


@dataclass
class LoginOnly:
    methods: tuple[str, ...] = ("GET",)
    body: dict[str, Body] = field(default_factory=dict)
    build: Callable[[World, Place, Any], Target] | None = None  # objects elsewhere that must not show


@dataclass
class AdminOnly:
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict | Callable[[World], dict] = field(default_factory=dict)
    expect: frozenset = frozenset({403})


@dataclass
class StaffOnly:
    pass


@dataclass
class Reference:
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict | Callable[[World], dict] = field(default_factory=dict)


@dataclass
class Public:
    methods: tuple[str, ...] = ("GET",)
    kwargs: dict | Callable[[World], dict] = field(default_factory=dict)
    published: bool = False  # shows what the law makes public (e.g. 双随机一公开 results): no marker check


# --- builders ---------------------------------------------------------------------------------

def hazard(w: World, place: Place, user, **fields) -> Target:
    token = place.token()
    fields.setdefault("title", f"隐患{token}")
    h = factories.HazardFactory(enterprise=place.enterprise, region=place.enterprise.region, **fields)
    return Target(kwargs={"pk": h.pk}, markers=[h.code, h.title], obj=h)


def attachment(w: World, place: Place, user) -> Target:
    from hazards.attachments import store_attachment
    from hazardtrack.upload_checks import check_upload
    from hazards.models import Attachment

    target = hazard(w, place, user)
    checked = check_upload(factories.photo(f"{place.token()}.jpg"))
    item = store_attachment(hazard=target.obj, event=None, kind="before", checked=checked,
                            actor=place.other_user)
    item = Attachment.objects.get(pk=item.pk)
    return Target(kwargs={"pk": item.pk}, markers=[*target.markers, item.original_name], obj=item)


def pending_upload(w: World, place: Place, user) -> Target:
    """A photo kept from a refused form: its owner's only — in the own place it is the requesting
    user's, elsewhere another user's (of the same county too: no jurisdiction shares it)."""
    from hazardtrack.uploads import keep_upload

    owner = user if place is w.own else place.other_user
    item = keep_upload(owner=owner, form_key="hazards.forms.HazardReportForm", field="before_photos",
                       upload=factories.photo(f"{place.token()}.jpg"), images_only=True)
    return Target(kwargs={"pk": item.pk}, obj=item)


def enterprise(w: World, place: Place, user) -> Target:
    e = place.enterprise
    return Target(kwargs={"pk": e.pk}, markers=[e.name, e.credit_code], obj=e)


def region(w: World, place: Place, user) -> Target:
    r = place.region
    return Target(kwargs={"code": r.code}, markers=[r.name], obj=r)


def inbox_message(w: World, place: Place, user) -> Target:
    """An in-app notice about a hazard of `place`, addressed to the requesting user when the
    place is theirs, to someone who lives there otherwise."""
    from hazardtrack.outbox import Channel
    from notices.choices import NoticeKind
    from notices.models import Delivery, Notice

    target = hazard(w, place, user, status="rectifying", original_deadline=_days(-3), current_deadline=_days(-3))
    notice = Notice.objects.create(hazard=target.obj, kind=NoticeKind.OVERDUE, level=1, deadline=_days(-3),
                                   as_of=_days(0), overdue_days=3)
    recipient = user if place is w.own else place.other_user
    delivery = Delivery.objects.create(notice=notice, channel=Channel.INAPP, recipient=recipient,
                                       sent_at=timezone.now(), status="sent")
    return Target(kwargs={"pk": delivery.pk}, markers=target.markers, obj=delivery)


def _iso_run(w: World):
    """The one nightly run the isolation world's escalations belong to."""
    from notices.models import EscalationRun

    run, _created = EscalationRun.objects.get_or_create(worker="isolation", defaults={"as_of": _days(0)})
    return run


def run_escalation(w: World, place: Place, user) -> Target:
    """A level-2 escalation of a hazard of `place`, written by the isolation world's run."""
    from notices.choices import NoticeKind
    from notices.models import Notice

    target = hazard(w, place, user, status="rectifying", original_deadline=_days(-8), current_deadline=_days(-8))
    Notice.objects.create(hazard=target.obj, kind=NoticeKind.OVERDUE, level=2, deadline=_days(-8),
                          as_of=_days(0), overdue_days=8, run=_iso_run(w))
    return target


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
    "todo": LoginOnly(),
    "api:todo": LoginOnly(),
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
    # The ledger's 单位 suggestions: "企" is in every place's enterprise name.
    "hazards:enterprise-suggestions": ListOf(enterprise, query={"q": "企"}),
    "hazards:new": LoginOnly(),
    "hazards:detail": Scoped(hazard),
    "hazards:edit": Scoped(hazard, methods=("GET", "POST"), body={"POST": {"title": "改写", "version": 1}}),
    "hazards:transition": Scoped(hazard, methods=("POST",), variants=_transition_names(), body={"POST": V}),
    "pending_upload": Scoped(pending_upload),
    "hazards:attachment": Scoped(attachment),
    "hazards:attachment-thumb": Scoped(attachment),
    # notices pages
    "notices:inbox": ListOf(inbox_message),
    "notices:read": Scoped(inbox_message, methods=("POST",)),
    "notices:read-all": LoginOnly(methods=("POST",)),
    "notices:runs": LoginOnly(build=run_escalation),
    "notices:run-detail": ListOf(run_escalation, kwargs=lambda w: {"pk": _iso_run(w).pk},
                                 refused_for=("inspector", "enterprise", "grid")),
    "notices:policy": AdminOnly(methods=("GET", "POST")),
    "notices:preferences": LoginOnly(methods=("GET", "POST")),
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
    "api:hazard-apply-resume": Scoped(hazard, body={"POST": {**V, "content": "已整改，具备复产条件"}}),
    "api:hazard-review-resume": Scoped(hazard, body={"POST": {**V, "passed": False, "opinion": "不合格"}}),
}


def rule_for(key: str):
    """The rule of a route key; "ns:*" entries cover a whole namespace."""
    if key in ROUTES:
        return ROUTES[key]
    namespace = key.split(":", 1)[0] if ":" in key else None
    return ROUTES.get(f"{namespace}:*") if namespace else None


# =================================================================================================
# Apps classified ahead of their merge: each block is active only when the app's routes exist, so
# the registry names no route that does not exist in this build (the stale-entry test stays strict).
# =================================================================================================
def route_exists(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


NOT_REGULATORS = ("enterprise", "grid")  # roles with no business on the regulators' own pages


def _stored_photo(model, place: Place, **fields):
    """A row of a photo model (file + thumbnail under random names), made like the upload services do."""
    from django.core.files.base import ContentFile

    from hazardtrack.upload_checks import check_upload

    checked = check_upload(factories.photo(f"{place.token()}.jpg"))
    item = model(original_name=checked.original_name, content_type=checked.content_type, size=len(checked.content),
                 **fields)
    item.storage_name = f"isolation/{place.token()}.jpg"
    item.file.save(item.storage_name, ContentFile(checked.content), save=False)
    item.storage_name = f"isolation/{place.token()}.thumb.jpg"
    item.thumbnail.save(item.storage_name, ContentFile(checked.thumbnail), save=False)
    item.save()
    return item


def region_figures(w: World, place: Place, user) -> Target:
    """Something counted in `place` (a hazard), recognised on a statistics page by the names of
    its township and county."""
    hazard(w, place, user)
    county = place.region.parent
    return Target(markers=[place.region.name, county.name if county else ""])


if route_exists("tipoffs:queue"):
    def tipoff(w: World, place: Place, user) -> Target:
        from tests.factories import TipOffFactory

        t = TipOffFactory(region=place.region, description=f"举报{place.token()}：安全出口被锁")
        return Target(kwargs={"pk": t.pk}, markers=[t.tracking_code, t.description], obj=t)

    def tipoff_figures(w: World, place: Place, user) -> Target:
        tipoff(w, place, user)
        county = place.region.parent
        return Target(markers=[place.region.name, county.name if county else ""])

    def tipoff_photo(w: World, place: Place, user) -> Target:
        from tipoffs.models import TipOffPhoto

        target = tipoff(w, place, user)
        item = _stored_photo(TipOffPhoto, place, tipoff=target.obj)
        return Target(kwargs={"pk": item.pk}, markers=[*target.markers, item.original_name], obj=item)

    def _tipoff_actions() -> list[dict]:
        from tipoffs.forms import TIPOFF_ACTION_FORMS

        return [{"name": name} for name in TIPOFF_ACTION_FORMS]

    def _reward_actions() -> list[dict]:
        from tipoffs.forms import REWARD_FORMS

        return [{"name": name} for name in REWARD_FORMS]

    ROUTES.update({
        "tipoffs:public-new": Public(published=True),  # lists every region to choose from
        "tipoffs:public-submitted": Public(),
        "tipoffs:public-track": Public(),
        "tipoffs:open311-discovery": Public(kwargs={"fmt": "json"}),
        "tipoffs:open311-services": Public(kwargs={"fmt": "json"}),
        "tipoffs:open311-requests": Public(kwargs={"fmt": "json"}),
        "tipoffs:open311-request": Public(kwargs={"fmt": "json", "service_request_id": "NOPE-0000"}),
        "tipoffs:queue": ListOf(tipoff, refused_for=NOT_REGULATORS),
        "tipoffs:figures": ListOf(tipoff_figures, refused_for=NOT_REGULATORS),
        "tipoffs:hotline": LoginOnly(),
        "tipoffs:detail": Scoped(tipoff, own_hidden_for=NOT_REGULATORS),
        "tipoffs:action": Scoped(tipoff, methods=("POST",), variants=_tipoff_actions(), own_hidden_for=NOT_REGULATORS),
        "tipoffs:reward": Scoped(tipoff, methods=("POST",), variants=_reward_actions(), own_hidden_for=NOT_REGULATORS),
        "tipoffs:photo": Scoped(tipoff_photo, own_hidden_for=NOT_REGULATORS),
        "tipoffs:photo-thumb": Scoped(tipoff_photo, own_hidden_for=NOT_REGULATORS),
    })


if route_exists("incidents:list"):
    def incident(w: World, place: Place, user) -> Target:
        from tests.factories import IncidentFactory

        i = IncidentFactory(region=place.region, title=f"事故{place.token()}")
        return Target(kwargs={"pk": i.pk}, markers=[i.code, i.title], obj=i)

    def incident_attachment(w: World, place: Place, user) -> Target:
        from incidents.models import IncidentAttachment

        target = incident(w, place, user)
        item = _stored_photo(IncidentAttachment, place, incident=target.obj, kind="photo",
                             uploaded_by=place.other_user)
        return Target(kwargs={"pk": item.pk}, markers=[*target.markers, item.original_name], obj=item)

    def incident_notice(w: World, place: Place, user) -> Target:
        from incidents.models import IncidentEvent, IncidentNotice

        target = incident(w, place, user)
        event = IncidentEvent.objects.create(incident=target.obj, action="created", comment="")
        notice = IncidentNotice.delivered(incident=target.obj, event=event, level="county", now=timezone.now(),
                                          message=f"事故通知{target.obj.title}",
                                          recipient=user if place is w.own else place.other_user)
        notice.save()
        return Target(kwargs={"pk": notice.pk}, markers=target.markers, obj=notice)

    def _incident_actions() -> list[dict]:
        from incidents.forms import ACTION_FORMS

        return [{"name": name} for name in ACTION_FORMS]

    # The API validates a body before it looks the incident up: a 400 for a missing field says
    # nothing about the incident (an unknown id gets the same), so it is accepted beside 404.
    INPUT_FIRST = frozenset({400, 404})

    ROUTES.update({
        "incidents:list": ListOf(incident, refused_for=NOT_REGULATORS),
        "incidents:new": LoginOnly(),
        "incidents:late": LoginOnly(build=incident),
        "incidents:figures": LoginOnly(build=incident),
        "incidents:detail": Scoped(incident, own_hidden_for=NOT_REGULATORS),
        "incidents:action": Scoped(incident, methods=("POST",), variants=_incident_actions(),
                                   own_hidden_for=NOT_REGULATORS),
        "incidents:notice-read": Scoped(incident_notice, methods=("POST",), own_hidden_for=NOT_REGULATORS),
        "incidents:attachment": Scoped(incident_attachment, own_hidden_for=NOT_REGULATORS),
        "incidents:attachment-thumb": Scoped(incident_attachment, own_hidden_for=NOT_REGULATORS),
        "api:incident-list": ListOf(incident, own_hidden_for=NOT_REGULATORS),  # an empty page for them
        "api:incident-figures": LoginOnly(build=incident),
        "api:incident-late-reports": LoginOnly(build=incident),
        "api:incident-detail": Scoped(incident, own_hidden_for=NOT_REGULATORS),
        "api:incident-events": Scoped(incident, own_hidden_for=NOT_REGULATORS),
        **{f"api:incident-{name}": Scoped(incident, expect=INPUT_FIRST, own_hidden_for=NOT_REGULATORS)
           for name in ("add-attachments", "close", "extend-investigation", "findings", "followup-hazard",
                        "link-hazard", "list-supervision", "report-step", "start-investigation", "update-figures")},
    })


if route_exists("supervision:dashboard"):
    def report(w: World, place: Place, user) -> Target:
        import openpyxl
        from django.core.files.base import ContentFile

        from supervision.models import Report

        title = f"统计报告{place.token()}"
        book, buf = openpyxl.Workbook(), __import__("io").BytesIO()
        book.active["A1"] = title
        book.save(buf)
        day = _days(-next(_counter))  # one report per region and period: every call its own day
        item = Report(kind="day", region=place.region, period_start=day, period_end=day, title=title)
        item.xlsx.save(f"{place.token()}.xlsx", ContentFile(buf.getvalue()), save=False)
        item.save()
        return Target(kwargs={"pk": item.pk, "fmt": "xlsx"}, markers=[title], obj=item)

    def subscription(w: World, place: Place, user) -> Target:
        from tests.factories import SubscriptionFactory

        from supervision.models import Subscription

        owner = user if place is w.own else place.other_user
        region = owner.region or place.region
        item = (Subscription.objects.filter(user=owner, kind="day", region=region).first()
                or SubscriptionFactory(user=owner, region=region))
        return Target(kwargs={"pk": item.pk}, markers=[], obj=item)

    def circular(w: World, place: Place, user) -> Target:
        from supervision.models import Circular

        title = f"逾期通报{place.token()}"
        item = Circular.objects.create(region=place.region.parent or place.region, period_start=_days(-60),
                                       period_end=_days(-1), title=title, year=_days(0).year,
                                       created_by=place.other_user)
        return Target(kwargs={"pk": item.pk}, markers=[title], obj=item)

    STATISTICS_OF = NOT_REGULATORS
    ROUTES.update({
        "supervision:dashboard": ListOf(region_figures, refused_for=STATISTICS_OF),
        "supervision:export": ListOf(region_figures, kwargs={"fmt": "xlsx"}, refused_for=STATISTICS_OF),
        "supervision:reports": ListOf(report, refused_for=STATISTICS_OF),
        "supervision:report-download": Scoped(report, own_hidden_for=STATISTICS_OF),
        "supervision:unsubscribe": Scoped(subscription, methods=("POST",), own_hidden_for=STATISTICS_OF),
        "supervision:circulars": ListOf(circular, refused_for=STATISTICS_OF),
        "supervision:circular": Scoped(circular, own_hidden_for=STATISTICS_OF),
        "supervision:circular-pdf": Scoped(circular, own_hidden_for=STATISTICS_OF),
        "supervision:issuing-body": AdminOnly(methods=("GET", "POST")),
        "supervision:circular-action": Scoped(circular, methods=("POST",), own_hidden_for=STATISTICS_OF,
                                              variants=[{"action": a} for a in ("publish", "refresh", "delete")],
                                              body={"POST": {"version": 1}}),
        "api:statistics": LoginOnly(build=region_figures),
    })


if route_exists("inspections:list"):
    def inspection(w: World, place: Place, user) -> Target:
        from tests.factories import InspectionFactory

        item = InspectionFactory(enterprise=place.enterprise, created_by=place.other_user
                                 if place.other_user.role != "enterprise" else w.far.other_user)
        version = item.template_version
        first_item = version.items.order_by("position").first() if version else None
        return Target(kwargs={"pk": item.pk, "item_id": first_item.pk if first_item else 0},
                      markers=[place.enterprise.name], obj=item)

    def plan(w: World, place: Place, user) -> Target:
        from inspections.models import InspectionPlan

        item = InspectionPlan.objects.create(name=f"双随机计划{place.token()}", region=place.region.parent,
                                             size=1, start_date=_days(1), end_date=_days(30),
                                             created_by=w.far.other_user if place is w.far else w.users["supervisor"])
        return Target(kwargs={"pk": item.pk}, markers=[item.name], obj=item)

    def published_plan_kwargs(w: World) -> dict:
        return {"pk": plan(w, w.far, None).obj.pk}

    def checklist_kwargs(w: World) -> dict:
        from inspections.models import ChecklistTemplate

        template = ChecklistTemplate.objects.order_by("pk").first() or factories.checklist()
        return {"pk": template.pk}

    def checklist_version_kwargs(w: World) -> dict:
        from inspections.models import ChecklistTemplateVersion

        return {"pk": ChecklistTemplateVersion.objects.get(template_id=checklist_kwargs(w)["pk"], number=1).pk}

    def _document_kinds() -> list[dict]:
        from inspections.choices import DocumentKind

        return [{"kind": kind} for kind in DocumentKind.values]

    ROUTES.update({
        "inspections:list": ListOf(inspection),
        "inspections:new": LoginOnly(),
        "inspections:detail": Scoped(inspection),
        "inspections:record": Scoped(inspection, methods=("POST",)),
        "inspections:finish": Scoped(inspection, methods=("POST",)),
        "inspections:document-issue": Scoped(inspection, methods=("POST",), variants=_document_kinds()),
        # A PDF exists only once the document is issued; the jurisdiction check is the
        # inspection's own (inspections:detail), so here only the other places' 404 is checked.
        "inspections:document-pdf": Scoped(inspection, variants=_document_kinds(), own_hidden_for=ROLES),
        "inspections:enterprise": Scoped(enterprise),
        "inspections:templates": Reference(),
        "inspections:template": Reference(kwargs=checklist_kwargs),
        "inspections:plans": ListOf(plan, own_hidden_for=NOT_REGULATORS),
        "inspections:plan-new": LoginOnly(),
        "inspections:plan": Scoped(plan, own_hidden_for=NOT_REGULATORS),
        "inspections:plan-draw": Scoped(plan, methods=("POST",), own_hidden_for=NOT_REGULATORS),
        "inspections:plan-publish": Scoped(plan, methods=("POST",), own_hidden_for=NOT_REGULATORS),
        "inspections:conflicts": LoginOnly(),
        "inspections:public": Public(published=True),
        "inspections:public-plan": Public(kwargs=published_plan_kwargs, published=True),
        "api:inspection-list": ListOf(inspection),
        "api:inspection-detail": Scoped(inspection),
        "api:inspection-documents": Scoped(inspection, expect=frozenset({400, 404})),
        "api:inspection-finish": Scoped(inspection, expect=frozenset({400, 404})),
        "api:inspection-record-result": Scoped(inspection, expect=frozenset({400, 404})),
        "api:checklist-template-list": Reference(),
        "api:checklist-template-detail": Reference(kwargs=checklist_kwargs),
        # The body is validated before the role is checked: 400 or 403, the same for any template.
        "api:checklist-template-publish-version": AdminOnly(methods=("POST",), kwargs=checklist_kwargs,
                                                            expect=frozenset({400, 403})),
        "api:checklist-version-detail": Reference(kwargs=checklist_version_kwargs),
        "api:inspection-plan-list": ListOf(plan, own_hidden_for=NOT_REGULATORS),
        "api:inspection-plan-detail": Scoped(plan, own_hidden_for=NOT_REGULATORS),
        "api:inspection-plan-draw": Scoped(plan, expect=frozenset({400, 403, 404}), own_hidden_for=NOT_REGULATORS),
        "api:inspection-plan-publish": Scoped(plan, expect=frozenset({400, 403, 404}),
                                              own_hidden_for=NOT_REGULATORS),
        "api:inspection-plan-verify": Scoped(plan, own_hidden_for=NOT_REGULATORS),
    })



if route_exists("spreadsheets:index"):
    def _importer(w: World, place: Place):
        """Who uploads a ledger in `place`: county staff who live there (the neighbour
        enterprise's contact cannot import, so its township's county inspector does)."""
        return w.own.other_user if place is w.neighbour else place.other_user

    def import_job(w: World, place: Place, user) -> Target:
        """A validated hazard ledger uploaded in `place`: one valid row, one whose enterprise is
        unknown (an issue whose value only the uploader's jurisdiction may read)."""
        from spreadsheets import services
        from spreadsheets.choices import ImportKind
        from tests.spreadsheets.workbooks import hazard_file, hazard_row, upload

        token = place.token()
        unknown = f"未登记单位{token}"
        content = hazard_file([hazard_row(original_code=f"TZ-{token}-1", enterprise_name=place.enterprise.name),
                               hazard_row(original_code=f"TZ-{token}-2", enterprise_name=unknown)])
        job = services.import_job_create(actor=_importer(w, place), kind=ImportKind.HAZARDS,
                                         upload=upload(content, f"隐患台账{token}.xlsx"))
        job = services.import_validate(job_id=job.pk)
        assert job.status == "validated" and job.valid_rows == 1 and job.error_rows == 1, (job.status, job.failure)
        return Target(kwargs={"pk": job.pk}, markers=[job.original_name, unknown], obj=job)

    def failed_import_job(w: World, place: Place, user) -> Target:
        """A job that stopped with a failure message: the only text its status JSON carries (JSON
        escapes the Chinese, so the ASCII token is the marker that can be found there)."""
        from spreadsheets import services

        target = import_job(w, place, user)
        token = place.token()
        failure = f"导入中止：第3行写入失败（{token}）"
        job = services.fail_job(target.obj, failure, stopped_at_row=3)
        return Target(kwargs=target.kwargs, markers=[*target.markers, failure, token], obj=job)

    # Import jobs are scoped to the uploader's region (county staff); enterprise contacts and grid
    # workers cannot import and see no job, not even their own county's.
    ROUTES.update({
        "spreadsheets:index": ListOf(import_job, own_hidden_for=NOT_REGULATORS),
        # Option lists are choices and sectors only (no regions or enterprises); a Reference takes
        # one set of kwargs, and both kinds are written by the same writing.template_response.
        "spreadsheets:template": Reference(kwargs={"kind": "hazards"}),
        "spreadsheets:job": Scoped(import_job, own_hidden_for=NOT_REGULATORS),
        "spreadsheets:job-start": Scoped(import_job, methods=("POST",), body={"POST": {"mode": "valid_rows"}},
                                         own_hidden_for=NOT_REGULATORS),
        "spreadsheets:job-accept": Scoped(import_job, methods=("POST",), body={"POST": {"all": "1"}},
                                          own_hidden_for=NOT_REGULATORS),
        "spreadsheets:job-status": Scoped(failed_import_job, own_hidden_for=NOT_REGULATORS),
        "spreadsheets:job-errors": Scoped(import_job, own_hidden_for=NOT_REGULATORS),
        "spreadsheets:export-ledger": ListOf(hazard, kwargs={"fmt": "xlsx"}),
        "spreadsheets:export-hazard": Scoped(hazard, variants=[{"fmt": "xlsx"}, {"fmt": "csv"}]),
        "spreadsheets:export-enterprises": ListOf(enterprise, kwargs={"fmt": "csv"}),
    })



if route_exists("workdays:calendar"):
    # The statutory calendar is the province's: its administrators (role admin without a region
    # below the province) edit it; the isolation world's roles are all refused.
    ROUTES.update({
        "workdays:calendar": AdminOnly(methods=("GET", "POST")),
        "workdays:remove": AdminOnly(methods=("POST",), kwargs={"year": 2026}),
    })


if route_exists("javascript-catalog"):
    ROUTES["javascript-catalog"] = Public()  # the JS message catalog
