"""The one domain error type raised by services (views map it to 409 or a form error), and
`require`, the missing-value refusal every service shares."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. `code` is stable and machine-readable;
    `message` is translatable text for the user; `status` is the HTTP status an API returns."""

    def __init__(self, code: str, message, *, status: int = 409, field: str | None = None,
                 extra: dict | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.extra = extra or {}  # more for an API client (e.g. the possible duplicates)
        # Every problem found at once, by field (None: the form as a whole); see Problems.
        self.errors = errors or {field: [str(message)]}

    def __str__(self) -> str:
        return str(self.message)


def require(value, code: str, message, field: str):
    """`value`, unless it is missing (None, "" or blank): then the 400 DomainError on `field`."""
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise DomainError(code, message, status=400, field=field)
    return value


class Problems:
    """Every refusal of one input, collected before any is raised, so a form shows them all at
    once. A service runs its checks into one of these and calls `raise_if_any()`; the page form
    runs the same checks function in its `clean()` (a validate-only pass of the same rules)."""

    def __init__(self):
        self.items: list[tuple[str | None, str, str]] = []  # (field, code, message)

    def add(self, field: str | None, code: str, message) -> None:
        self.items.append((field, code, str(message)))

    def require(self, value, field: str, code: str, message):
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            self.add(field, code, message)
        return value

    def check(self, field: str | None, func, *args, **kwargs):
        """Run `func`; a DomainError it raises becomes a problem on `field` (its own when it names one)."""
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            self.add(field or error.field, error.code, error.message)
            return None

    def __bool__(self) -> bool:
        return bool(self.items)

    def errors(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for field, _code, message in self.items:
            out.setdefault(field, []).append(message)
        return out

    def raise_if_any(self, status: int = 400) -> None:
        if self.items:
            field, code, message = self.items[0]
            raise DomainError(code, message, status=status, field=field, errors=self.errors())

    def add_to_form(self, form, *, skip_fields_with_errors: bool = True) -> None:
        """Show the problems on a form: each on its field (the form-level list when the form has no
        such field); a field that already has an error of its own keeps only that one."""
        for field, _code, message in self.items:
            target = field if field in form.fields else None
            if target is not None and skip_fields_with_errors and target in form.errors:
                continue
            if target is None and message in form.non_field_errors():
                continue
            form.add_error(target, message)
