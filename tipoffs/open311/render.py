"""GeoReport v2 output: JSON (a list of objects) or XML (the same, "Spark convention"), and the
standard error body [{"code": 400, "description": "…"}]."""
from __future__ import annotations

import datetime
import json
from decimal import Decimal
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# Element names of list items in XML.
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
              "formats": "format"}


def w3_datetime(value: datetime.datetime | None) -> str | None:
    """ISO 8601 with the offset, as the spec requires (e.g. 2026-05-01T10:00:00+08:00)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _xml_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_fill(element: ElementTree.Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ElementTree.SubElement(element, key), key, child)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for child in value:
            _xml_fill(ElementTree.SubElement(element, item), item, child)
    else:
        element.text = _xml_text(value)


def respond(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ElementTree.Element(root)
        _xml_fill(element, root, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, content_type=XML_TYPE, status=status)
    if isinstance(data, list):
        data = [{k: _plain(v) for k, v in row.items()} if isinstance(row, dict) else row for row in data]
    body = json.dumps(data, ensure_ascii=False, default=str)
    return HttpResponse(body.encode("utf-8"), content_type=JSON_TYPE, status=status)


def error(fmt: str, status: int, description: str, *, code: int | None = None) -> HttpResponse:
    return respond([{"code": code or status, "description": str(description)}], fmt, root="errors", status=status)


def refusal(request, description: str) -> HttpResponse:
    """The input guard's 400 (hazardtrack/input_guard.py) in the format the Open311 path asks for."""
    return error("xml" if request.path.endswith(".xml") else "json", 400, description)
