"""Fixtures of the supervision tests: hazards as bare rows (HazardFactory) in the states the
statistics count, placed on exact local times so every figure can be computed by hand."""
from __future__ import annotations

import datetime
import zoneinfo

import pytest

from hazards.choices import HazardLevel, HazardStatus
from tests.factories import HazardFactory, region

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
S = HazardStatus


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def local(day: datetime.date | str, hour: int = 10, minute: int = 0) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def hazard(code: str = "430522100", *, found: datetime.datetime, status: str = S.REPORTED, level: str = HazardLevel.GENERAL,
           deadline: str | None = None, original: str | None = None, signed_off: datetime.datetime | None = None, **kw):
    """A bare hazard row in region `code`; `deadline` is the current one, `original` defaults to it."""
    current = d(deadline) if deadline else None
    first = d(original) if original else current
    return HazardFactory(enterprise=None, region=region(code), found_at=found, status=status, level=level,
                         current_deadline=current, original_deadline=first, signed_off_at=signed_off, **kw)
