"""What the apps' recorded rows share: a value made plain for JSON (an audit event's `changes`, an
import row's stored cells)."""
from __future__ import annotations

import datetime
from decimal import Decimal


def plain(value):
    """Dates as ISO text, decimals as text, everything else as it is (JSON-ready)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
