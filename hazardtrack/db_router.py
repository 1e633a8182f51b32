"""Reads on a replica (optional): with DATABASE_REPLICA_URL set, the GET requests of the
dashboards, reports and exports read from the database alias "replica", a streaming standby of
the primary; everything else, and every write, uses "default".

Read-your-writes: a standby lags the primary by a few milliseconds to seconds. A user who just
changed something must see it, so any request that writes (an unsafe method, or any ORM write
seen by the router) stamps a cookie; for REPLICA_READ_YOUR_WRITES_SECONDS after it the user's
reads all go to the primary. The cookie only ever moves its holder to the primary (tampering
with it can at worst show its holder slightly older figures), so it is not signed.

Sessions, users and permissions always read from the primary: a login or a role change must
hold on the very next request. Without DATABASE_REPLICA_URL neither the router nor the
middleware is installed (settings.py): everything behaves as before, SQLite included.
"""
from __future__ import annotations

import contextvars
import time

from django.conf import settings

REPLICA = "replica"
COOKIE = "ht_primary_until"
# The reads that may lag a little: dashboards and reports (supervision/), the statistics API and
# the spreadsheet exports. Imports (/spreadsheets/ itself, its jobs) stay on the primary.
REPLICA_PATHS = ("/supervision/", "/api/statistics/", "/spreadsheets/export/")
# Read from the primary whatever the request: identity and access.
PRIMARY_APPS = frozenset({"sessions", "auth", "contenttypes", "admin", "axes"})
PRIMARY_MODELS = frozenset({"accounts.User"})
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Writes that are bookkeeping, not a change the user must read back: the session saved on every
# request (SESSION_SAVE_EVERY_REQUEST) and the login-attempt log. Counting them would pin
# everyone to the primary.
BOOKKEEPING_WRITES = frozenset({"sessions", "axes"})

_replica_reads = contextvars.ContextVar("ht_replica_reads", default=False)
_wrote = contextvars.ContextVar("ht_wrote", default=False)
# The alias each routed read went to in this request, for tests and the request log.
_last_alias = contextvars.ContextVar("ht_read_alias", default="default")


def read_alias() -> str:
    """The alias the latest routed read of the current request went to."""
    return _last_alias.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        meta = model._meta
        if (_replica_reads.get() and not _wrote.get() and meta.app_label not in PRIMARY_APPS
                and meta.label not in PRIMARY_MODELS):
            _last_alias.set(REPLICA)
            return REPLICA
        return None  # the next router, then "default"

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in BOOKKEEPING_WRITES:
            _wrote.set(True)  # this request wrote: its later reads, and the user's next ones, use the primary
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # a standby is read-only; it receives the schema by streaming


def primary_pinned(request) -> bool:
    """Has the user written within the read-your-writes window?"""
    try:
        return float(request.COOKIES.get(COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaReadsMiddleware:
    """Decide per request whether its reads may go to the replica, and stamp the user after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = (request.method in SAFE_METHODS and request.path.startswith(REPLICA_PATHS)
                       and not primary_pinned(request))
        tokens = (_replica_reads.set(use_replica), _wrote.set(False), _last_alias.set("default"))
        try:
            response = self.get_response(request)
            wrote = _wrote.get() or request.method not in SAFE_METHODS
            response["X-Read-Database"] = _last_alias.get()
        finally:
            for var, token in zip((_replica_reads, _wrote, _last_alias), tokens):
                var.reset(token)
        if wrote:
            seconds = settings.REPLICA_READ_YOUR_WRITES_SECONDS
            response.set_cookie(COOKIE, f"{time.time() + seconds:.3f}", max_age=seconds, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
