"""The request being served, for audit records written where no request is passed around."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


@contextmanager
def bind_request(request):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request():
    return _current_request.get()
