"""An object's address for any id as one %-pattern: one `reverse` per page or response instead
of one per row (the ledger's rows, a timeline's attachments)."""
from __future__ import annotations

from typing import Callable

_MARKER = 987654321  # an id no URL pattern contains, replaced by each object's id


def id_pattern(url_of: Callable[[int], str]) -> str:
    """`url_of(pk)` for any pk as a %-pattern: `id_pattern(f) % pk == f(pk)`."""
    return url_of(_MARKER).replace("%", "%%").replace(str(_MARKER), "%d")
