"""Optimistic locking over HTTP: every change names the version the client last saw.

The version comes from the `If-Match` header (`"3"`, `W/"3"` or `3` — the detail's ETag) or
from a `version` field in the body. None at all → 428 `version_required` (after a 404 for an
object the user may not see). A stale one is the service's `stale_version` refusal: 412
Precondition Failed when the client used If-Match (as HTTP says), 409 Conflict when it sent a
body field. The hazard and incident APIs both go through `client_version`.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Callable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .api import ErrorSerializer
from .errors import DomainError

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')

ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201], description="当前版本号，修改时放入 If-Match"
)


# The body's `version` field and the answers of a versioned action, as every API documents them.
VERSION_HELP = gettext_lazy("客户端所见的版本号（也可用 If-Match 请求头提供，二者必有其一）；与当前版本不符时拒绝修改。")
VERSION_ERRORS = {
    412: OpenApiResponse(ErrorSerializer, description="If-Match 的版本已过期（stale_version）"),
    428: OpenApiResponse(ErrorSerializer, description="未提供版本号（version_required）"),
}


def if_match_parameter(description: str) -> OpenApiParameter:
    """The If-Match request header of an API's versioned actions, described for its objects."""
    return OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False, description=description)


def etag(version: int) -> str:
    return f'"{version}"'


@contextmanager
def client_version(request, *, body_version: int | None, must_exist: Callable[[], object]) -> Iterator[int]:
    """Yield the version to pass as `expected_version`; translate the refusals around it.
    `must_exist()` raises the 404 of an unknown or out-of-jurisdiction object."""
    header = request.headers.get("If-Match")
    used_if_match = header is not None
    if used_if_match:
        match = _ETAG.match(header)
        if not match:
            raise DomainError("bad_if_match", _("If-Match 请求头应为版本号，如 \"3\"。"), status=400, field="version")
        version = int(match.group(1))
    else:
        version = body_version
    if version is None:
        # An unknown or out-of-jurisdiction object is a 404 before it is anything else.
        must_exist()
        raise DomainError(
            "version_required",
            _("请提供您所见的版本号（If-Match 请求头或 version 字段），以免覆盖他人的修改。"),
            status=428,
            field="version",
        )
    try:
        yield version
    except DomainError as exc:
        if exc.code == "stale_version" and used_if_match:
            raise DomainError(exc.code, exc.message, status=412, field=exc.field) from exc
        raise
