"""Database sessions renewed at most every SESSION_RENEW_SECONDS instead of on every request.

SESSION_SAVE_EVERY_REQUEST makes the session expire after SESSION_COOKIE_AGE of inactivity, at
the price of one UPDATE (and its commit, a WAL flush) on every request: three of the ledger
API's seven statements and ~4 ms of its time at 1,000,000 hazards. Here an unchanged session
whose stored expiry was set less than SESSION_RENEW_SECONDS ago is not written again; the
inactivity timeout is then exact to within that interval. A changed session (a login, a
message, a language) is always saved, and the cookie is still renewed on every response.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


def renew_seconds() -> float:
    """Never more than a tenth of the session's age (a 2-second test session renews each 0.2 s)."""
    return min(settings.SESSION_RENEW_SECONDS, settings.SESSION_COOKIE_AGE / 10)


class SessionStore(DatabaseSessionStore):
    _stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):
        """The session's row, as Django's store reads it, by one fixed statement: every request
        starts here, and compiling the same ORM query each time cost more than running it."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        if connection.vendor != "postgresql":  # SQLite returns the expiry as text: the ORM converts it
            return super()._get_session_from_db()
        with connection.cursor() as cursor:
            table = cursor.db.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT session_data, expire_date FROM {table} WHERE session_key = %s AND expire_date > %s",
                           [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])

    def load(self):
        row = self._get_session_from_db()
        self._stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    def save(self, must_create=False):
        if not must_create and not self.modified and self._renewed_recently():
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()

    def _renewed_recently(self) -> bool:
        if self._stored_expiry is None or self.session_key is None:
            return False
        # The stored expiry is "last save + age": how long ago that save was.
        since_saved = self.get_expiry_age() - (self._stored_expiry - timezone.now()).total_seconds()
        return 0 <= since_saved < renew_seconds()
