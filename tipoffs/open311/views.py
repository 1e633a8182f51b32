"""Open311 GeoReport v2 under /open311/v2/ (https://wiki.open311.org/GeoReport_v2/):

  GET  services.{json,xml}              sectors as services
  POST requests.{json,xml}              a tip-off from a client holding an api_key
  GET  requests.{json,xml}              public status of Open311 tip-offs (or of listed ids)
  GET  requests/{service_request_id}.{json,xml}

service_request_id is the tip-off's tracking code; jurisdiction_id, when given, is a region
code (县区/乡镇). Output carries public fields only: never the reporter's email, name or phone.
Errors use the standard body [{"code": …, "description": …}] with 400/403/404 (and 429).
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Region, Sector
from hazardtrack.errors import DomainError

from .. import ratelimit, services
from ..choices import Channel
from ..selectors import open311_closed_q, open311_open_q, public_status_of, public_tipoffs, tipoff_by_code
from .render import error, respond, w3_datetime

MAX_SPAN = datetime.timedelta(days=90)
MAX_ROWS = 1000
SERVICE_GROUP = "安全生产"
# Our field names → the standard's, for error descriptions.
OPEN311_NAMES = {"latitude": "lat", "longitude": "long", "address": "address_string", "region": "jurisdiction_id",
                 "reporter_email": "email", "reporter_phone": "phone"}


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "xml"):
        raise Http404
    return fmt


def _service(sector: Sector) -> dict:
    return {
        "service_code": sector.code,
        "service_name": sector.name,
        "description": _("%(name)s领域的安全生产事故隐患举报") % {"name": sector.name},
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join((sector.name, _("安全隐患"), _("举报"))),
        "group": SERVICE_GROUP,
    }


def services_list(request, fmt: str):
    fmt = _fmt(fmt)
    if request.method != "GET":
        return error(fmt, 405, _("此地址只支持 GET。"))
    return respond([_service(s) for s in Sector.objects.all()], fmt, root="services")


def discovery(request, fmt: str):
    fmt = _fmt(fmt)
    base = request.build_absolute_uri(reverse("tipoffs:open311-services", args=["json"])).rsplit("/", 1)[0]
    data = {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": _("安全生产举报热线 12350"),
        "key_service": _("向当地应急管理部门申请 api_key"),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base,
            "changeset": "2026-01-01T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }
    return respond(data, fmt, root="discovery")


def _request_row(tipoff) -> dict:
    public = public_status_of(tipoff)
    published = tipoff.channel == Channel.OPEN311
    sector = tipoff.sector
    return {
        "service_request_id": tipoff.tracking_code,
        "status": "open" if public.is_open else "closed",
        "status_notes": public.notes,
        "service_name": sector.name if sector else _("未分类"),
        "service_code": sector.code if sector else "",
        # Only Open311 reporters published their text; a web or hotline report's text and place may
        # identify its reporter (docs/tipoffs.md), so those are read by id without them.
        "description": tipoff.description if published else None,
        "agency_responsible": str(tipoff.transfer_department) if tipoff.transfer_department_id else tipoff.region.name,
        "service_notice": None,
        "requested_datetime": w3_datetime(tipoff.submitted_at),
        "updated_datetime": w3_datetime(public.updated_at),
        "expected_datetime": None,
        "address": tipoff.address if published else None,
        "address_id": None,
        "zipcode": None,
        "lat": tipoff.latitude if published else None,
        "long": tipoff.longitude if published else None,
        "media_url": (tipoff.media_url or None) if published else None,
    }


@never_cache
def request_detail(request, service_request_id: str, fmt: str):
    fmt = _fmt(fmt)
    if request.method != "GET":
        return error(fmt, 405, _("此地址只支持 GET。"))
    refused = _track_limit(request, fmt, 1)
    if refused:
        return refused
    tipoff = tipoff_by_code(service_request_id)
    if tipoff is None:
        return error(fmt, 404, _("service_request_id %(id)s 未找到。") % {"id": service_request_id})
    return respond([_request_row(tipoff)], fmt, root="service_requests")


@csrf_exempt
@never_cache
def requests_collection(request, fmt: str):
    fmt = _fmt(fmt)
    if request.method == "POST":
        return _create(request, fmt)
    if request.method == "GET":
        return _list(request, fmt)
    return error(fmt, 405, _("此地址只支持 GET 和 POST。"))


def _track_limit(request, fmt: str, codes: int):
    """Open311 look-ups by id are tracking look-ups: they share /jubao/track/'s limit per address,
    each listed id counting as one (a list of 1,000 ids is 1,000 look-ups, not one)."""
    most = min((limit.count for limit in ratelimit.limits_for("track")), default=None)
    if most is not None and codes > most:
        return error(fmt, 400, _("service_request_id 一次最多 %(n)s 个。") % {"n": most})
    wait = ratelimit.hit("track", ratelimit.client_ip(request), cost=codes)
    if wait:
        response = error(fmt, 429, _("查询过于频繁，请 %(s)d 秒后再试。") % {"s": wait})
        response["Retry-After"] = str(wait)
        return response
    return None


def _jurisdiction(value: str | None) -> Region | None:
    """The region a jurisdiction_id names; DomainError 404 if none."""
    value = (value or "").strip()
    if not value:
        return None
    region = Region.objects.filter(code=value).first()
    if region is None:
        raise DomainError("jurisdiction_not_found", _("jurisdiction_id %(id)s 未找到（应为县区或乡镇的区划代码）。")
                          % {"id": value}, status=404)
    return region


def _list_of(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _when(value: str | None, name: str) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.strip().replace(" ", "+"))
    if parsed is None:
        raise DomainError("bad_date", _("%(name)s 格式不正确，应为 W3C 日期时间，如 2026-01-01T00:00:00Z。") % {"name": name},
                          status=400)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _list(request, fmt: str):
    params = request.GET
    try:
        region = _jurisdiction(params.get("jurisdiction_id"))
        rows = public_tipoffs()
        if region is not None:
            rows = rows.filter(region__code__startswith=region.code)
        ids = _list_of(params.get("service_request_id"))
        if ids:  # "This overrides all other arguments."
            from ..codes import normalise_tracking_code

            refused = _track_limit(request, fmt, len(ids))
            if refused:
                return refused

            rows = rows.filter(tracking_code__in=[c for c in map(normalise_tracking_code, ids) if c])
        else:
            # Only what was submitted through Open311 is listed: web and hotline reporters did not
            # publish their reports (DOMAIN: a tip-off's contents may identify its reporter).
            rows = rows.filter(channel=Channel.OPEN311)
            start, end = _when(params.get("start_date"), "start_date"), _when(params.get("end_date"), "end_date")
            if start and end and end - start > MAX_SPAN:
                raise DomainError("span_too_long", _("start_date 与 end_date 的跨度不能超过 90 天。"), status=400)
            if start and not end:
                end = start + MAX_SPAN
            elif end and not start:
                start = end - MAX_SPAN
            elif not start:
                end = timezone.now()
                start = end - MAX_SPAN
            rows = rows.filter(submitted_at__gte=start, submitted_at__lte=end)
            codes = _list_of(params.get("service_code"))
            if codes:
                rows = rows.filter(sector_id__in=codes)
            statuses = set(_list_of(params.get("status")))
            if statuses - {"open", "closed"}:
                raise DomainError("bad_status", _("status 只能是 open 或 closed。"), status=400)
            if statuses == {"open"}:
                rows = rows.filter(open311_open_q())
            elif statuses == {"closed"}:
                rows = rows.filter(open311_closed_q())
    except DomainError as refusal:
        return error(fmt, refusal.status, refusal.message)
    data = [_request_row(t) for t in rows.order_by("-submitted_at", "-id")[:MAX_ROWS]]
    return respond(data, fmt, root="service_requests")


def _validated(value: str, validator, name: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validator(value)
        except ValidationError:
            raise DomainError("bad_" + name, _("%(name)s 格式不正确。") % {"name": name}, status=400)
    return value


def _create(request, fmt: str):
    data = request.POST
    api_key = (data.get("api_key") or "").strip()
    if not api_key:
        return error(fmt, 403, _("缺少 api_key，无法提交举报（create_request）。"))
    client = services.open311_client_for_key(api_key)
    if client is None:
        return error(fmt, 403, _("api_key 无效或已停用，无法提交举报（create_request）。"))
    wait = ratelimit.hit("open311", f"client:{client.pk}")
    if wait:
        response = error(fmt, 429, _("提交过于频繁，请 %(s)d 秒后再试。") % {"s": wait})
        response["Retry-After"] = str(wait)
        return response
    try:
        region = _jurisdiction(data.get("jurisdiction_id"))
        code = (data.get("service_code") or "").strip()
        if not code:
            raise DomainError("service_code_required", _("缺少 service_code。"), status=400)
        sector = Sector.objects.filter(code=code).first()
        if sector is None:
            raise DomainError("service_code_not_found", _("service_code %(c)s 未找到。") % {"c": code}, status=404)
        lat, lng = data.get("lat"), data.get("long")
        address = (data.get("address_string") or "").strip()
        if not address and not (lat and lng):
            message = (_("不支持 address_id，请提供 lat 和 long 或 address_string。") if data.get("address_id")
                       else _("缺少位置：请提供 lat 和 long，或 address_string。"))
            raise DomainError("location_required", message, status=400)
        name = "".join(filter(None, ((data.get("last_name") or "").strip(), (data.get("first_name") or "").strip())))
        submission = {
            "description": data.get("description"), "address": address, "latitude": lat, "longitude": lng,
            "region": region, "sector": sector,
            "media_url": _validated(data.get("media_url"), URLValidator(schemes=["http", "https"]), "media_url"),
            "reporter_email": _validated(data.get("email"), EmailValidator(), "email"),
            "reporter_name": name, "reporter_phone": data.get("phone"),
        }
        tipoff = services.tipoff_submit(data=submission, channel=Channel.OPEN311, api_client=client,
                                        fallback_region=None if region else client.region)
    except DomainError as refusal:
        status = refusal.status if refusal.status in (400, 403, 404) else 400
        field = OPEN311_NAMES.get(refusal.field or "", refusal.field)
        field = f"（{field}）" if field else ""
        return error(fmt, status, f"{refusal.message}{field}")
    notice = _("已收到，属地监管部门将核查处理；可凭 service_request_id 查询进度。")
    return respond([{"service_request_id": tipoff.tracking_code, "service_notice": notice, "account_id": None}],
                   fmt, root="service_requests")

