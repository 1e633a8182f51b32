"""The one domain error type raised by services (views map it to 409 or a form error), and
`require`, the missing-value refusal every service shares."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. `code` is stable and machine-readable;
    `message` is translatable text for the user; `status` is the HTTP status an API returns."""

    def __init__(self, code: str, message, *, status: int = 409, field: str | None = None,
                 extra: dict | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.extra = extra or {}  # more for an API client (e.g. the possible duplicates)

    def __str__(self) -> str:
        return str(self.message)


def require(value, code: str, message, field: str):
    """`value`, unless it is missing (None, "" or blank): then the 400 DomainError on `field`."""
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise DomainError(code, message, status=400, field=field)
    return value
