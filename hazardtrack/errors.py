"""The one domain error type raised by services; views map it to 409 or a form error."""
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
