"""Login throttling with django-axes: after AXES_FAILURE_LIMIT failed logins for one username
from one address, further attempts are refused — even with the right password — until the
cool-off passes or an administrator deletes the lock (admin → 登录失败记录, or
`manage.py axes_reset_username <name>`)."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, first in AUTHENTICATION_BACKENDS. Without a request (the shell, a test's
    `client.login`) there is no client to count failures for: the check is skipped there and
    the next backend decides as usual; every login over HTTP passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def carry_lockout_to_django_request(request) -> None:
    """DRF's token view authenticates with its own Request wrapper, on which axes' failure
    handler (connected before ours: axes precedes audit in INSTALLED_APPS) marks a lockout;
    AxesMiddleware looks at Django's request underneath. Copy the mark down."""
    inner = getattr(request, "_request", None)
    if inner is not None and request.__dict__.get("axes_locked_out"):
        inner.axes_locked_out = True
        inner.axes_credentials = request.__dict__.get("axes_credentials")


def lockout_message() -> str:
    cooloff = settings.AXES_COOLOFF_TIME
    if cooloff:
        minutes = max(int(cooloff.total_seconds() // 60), 1)
        return _("登录失败次数过多，该账号已在本设备上被暂时锁定。请 %(minutes)s 分钟后再试，或联系系统管理员解锁。") % {
            "minutes": minutes}
    return _("登录失败次数过多，该账号已在本设备上被锁定。请联系系统管理员解锁。")


def lockout_response(request, original_response=None, credentials=None):
    """429 with the reason in Chinese: the login page again (username kept) or JSON for the API."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    form = AuthenticationForm(request, data={"username": (credentials or {}).get("username", "")})
    form.is_bound = True
    form._errors = {"__all__": form.error_class([message])}
    form.cleaned_data = {}
    return render(request, "registration/login.html", {"form": form, "next": request.POST.get("next", "")},
                  status=429)
