"""Rate limits per client address for the public pages and the Open311 intake.

Fixed windows counted with `add` + `incr` in the "tipoffs" cache. That cache is Redis when
REDIS_URL is set (settings.py), so every gunicorn worker and every host behind the proxy share
one count: incr is atomic there. Without Redis it is this process's memory, which is right for
`runserver` and tests but would let each of N workers admit N times the limit.

Behind reverse proxies set TIPOFFS_PROXY_HOPS to their number: the client address is then read
from X-Forwarded-For (the entry that many places from the right, the one our own proxy added);
otherwise REMOTE_ADDR. Addresses are kept only as keyed hashes, and only for the window.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

CACHE_ALIAS = "tipoffs"


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limits(text: str) -> tuple[Limit, ...]:
    """"5/600,20/86400" → at most 5 per 10 minutes and 20 per day."""
    limits = []
    for part in (text or "").split(","):
        if part.strip():
            count, seconds = part.strip().split("/")
            limits.append(Limit(int(count), int(seconds)))
    return tuple(limits)


def limits_for(bucket: str) -> tuple[Limit, ...]:
    defaults = {"submit": "5/600,20/86400", "track": "30/600", "open311": "60/3600"}
    configured = getattr(settings, "TIPOFFS_RATE_LIMITS", {}) or {}
    return parse_limits(configured.get(bucket, defaults[bucket]))


def client_ip(request) -> str:
    hops = int(getattr(settings, "TIPOFFS_PROXY_HOPS", 0) or 0)
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _identity(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:24]


def hit(bucket: str, identity: str, *, now: float | None = None, cost: int = 1) -> int | None:
    """Count `cost` requests (one look-up each); the seconds to wait if a limit is now exceeded."""
    cache = caches[CACHE_ALIAS]
    now = time.time() if now is None else now
    key_id = _identity(identity)
    wait = None
    for limit in limits_for(bucket):
        window = int(now // limit.seconds)
        key = f"rl:{bucket}:{limit.seconds}:{key_id}:{window}"
        try:
            count = _increment(cache, key, limit.seconds, cost)
        except Exception:  # a cache outage must not take the public form down: fail open
            logger.warning("tipoffs rate-limit cache unavailable", exc_info=True)
            return None
        if count > limit.count:
            left = math.ceil((window + 1) * limit.seconds - now)
            wait = max(wait or 0, left, 1)
    return wait


def _increment(cache, key: str, seconds: int, cost: int = 1) -> int:
    cache.add(key, 0, timeout=seconds + 5)
    try:
        return cache.incr(key, cost)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=seconds + 5)
        return cache.incr(key, cost)


def hit_request(bucket: str, request) -> int | None:
    return hit(bucket, client_ip(request))
