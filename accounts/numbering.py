"""Race-free sequence numbers for official documents, one series per (kind, issuer, year)."""
from __future__ import annotations

from django.db import connection


def next_document_number(*, kind: str, issuer: str, year: int) -> int:
    """The next number of the series, taken with one atomic upsert: two concurrent callers never
    get the same number (the row stays locked until the caller's transaction ends, so call it
    inside the transaction that stores the document)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_documentsequence (kind, issuer, year, last) VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (kind, issuer, year) DO UPDATE SET last = accounts_documentsequence.last + 1 "
            "RETURNING last",
            [kind, str(issuer), year],
        )
        (number,) = cursor.fetchone()
    return number
