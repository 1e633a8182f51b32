"""Control characters are refused at the door: the one rule for every text that comes in.

PostgreSQL cannot store NUL (psycopg raises "A string literal cannot contain NUL" → a 500), and
the other C0 controls (and DEL) are invisible in every page and export. No office document,
form or API client has a reason to send them, so they are refused with a 400 before any view
runs — page forms, GET filters, the REST API (form or JSON bodies), Open311 — by
`ControlCharacterMiddleware`, and in imported workbooks by `spreadsheets.cells.text`, which calls
`control_character` here. Tab, line feed and carriage return are ordinary text (textareas).
"""
from __future__ import annotations

import json
import re

from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Paths whose clients read another format: prefix -> answer(request, text) -> the 400 response.
# An app registers its own in AppConfig.ready (tipoffs: Open311), so this module imports no app.
ANSWERS: dict = {}


def control_character(value: str) -> str | None:
    """The first control character in value, written as \\xNN, or None."""
    found = CONTROL.search(value)
    return f"\\x{ord(found.group()):02x}" if found else None


def visible(value: str) -> str:
    """value without its control characters: for quoting a refused value back (a report row)."""
    return CONTROL.sub("", value)


def message(field: str | None, character: str) -> str:
    if field:
        return _("“%(field)s”中含有不可见的控制字符（%(char)s），请删除后重新提交。") % {"field": field[:60], "char": character}
    return _("请求中含有不可见的控制字符（%(char)s），请删除后重新提交。") % {"char": character}


def _walk(value, name: str | None = None):
    """(field name, control character) of the first string in a JSON value holding one."""
    if isinstance(value, str):
        found = control_character(value)
        return (name, found) if found else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        key_text = str(key)
        found = control_character(key_text)
        if found:
            return key_text, found
        hit = _walk(child, key_text if isinstance(key, str) else name)
        if hit:
            return hit
    return None


def _in_query(query: QueryDict):
    for key, values in query.lists():
        found = control_character(key)
        if found:
            return None, found
        for value in values:
            found = control_character(value)
            if found:
                return key, found
    return None


def find(request):
    """(field, character) of the first control character in the request's path, query or
    body fields; None if it is clean. Uploaded files are not text and are judged elsewhere."""
    found = control_character(request.path)
    if found:
        return None, found
    hit = _in_query(request.GET)
    if hit or request.method in ("GET", "HEAD", "OPTIONS"):
        return hit
    content_type = request.content_type or ""
    if content_type in JSON_TYPES:
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON: the parser behind us answers 400 for that
        return _walk(data)
    if content_type in FORM_TYPES:
        # Django parses only POST bodies itself; DRF's PUT/PATCH forms are read the same way.
        body = request.POST if request.method == "POST" or content_type != FORM_TYPES[0] else QueryDict(request.body)
        return _in_query(body)
    return None


class ControlCharacterMiddleware:
    """400 with a message naming the field, in the answering part's own format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hit = find(request)
        if hit is None:
            return self.get_response(request)
        field, character = hit
        text = message(field, character)
        path = request.path
        if path.startswith("/api/"):
            return JsonResponse({"code": "control_character", "detail": text, **({"field": field} if field else {})},
                                status=400)
        for prefix, answer in ANSWERS.items():
            if path.startswith(prefix):
                return answer(request, text)
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"code": "control_character", "detail": text}, status=400)
        try:
            return render(request, "400.html", {"reason": text}, status=400)
        except Exception:  # the page needs the layout; the refusal must never become a 500
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
