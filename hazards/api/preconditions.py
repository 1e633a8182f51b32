"""The hazard API's version precondition (If-Match or a `version` field): the rule is
hazardtrack/preconditions.py; this names the hazard in the schema and in the 404."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from hazardtrack import preconditions
from hazardtrack.preconditions import ETAG, etag  # noqa: F401 (the hazard views' names)

from ..selectors import hazard_detail_minimal

IF_MATCH = preconditions.if_match_parameter(
    "隐患的版本号，即详情返回的 ETag（如 \"3\"）。与请求体中的 version 二者必有其一；"
    "版本不符时返回 412。",
)


@contextmanager
def client_version(request, *, hazard_id, body_version: int | None) -> Iterator[int]:
    """Yield the version to pass as `expected_version`; translate the refusals around it."""
    with preconditions.client_version(
        request, body_version=body_version,
        must_exist=lambda: hazard_detail_minimal(user=request.user, pk=hazard_id),
    ) as version:
        yield version
