"""Tracking codes (查询码): short, unguessable, easy to read out and type on a phone.

Twelve characters from a 30-letter alphabet without look-alikes (no 0/O, 1/I/L, no U)
give about 59 bits: guessing one is hopeless, and the tracking page is rate-limited as
well. Shown in groups of four ("K7QM-3XPA-9RTD"); typing accepts lower case, spaces and
missing dashes.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
CODE_MAX_LENGTH = LENGTH + LENGTH // GROUP - 1  # with the dashes
_STRIP = re.compile(r"[\s\-_—–·.]+")


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return _group(raw)


def _group(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise_tracking_code(text: str | None) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code."""
    raw = _STRIP.sub("", (text or "").strip().upper())
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return _group(raw)
