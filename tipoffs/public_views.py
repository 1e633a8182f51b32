"""The public side, no login: the tip-off form, the confirmation with the tracking code, and
the status page by code. Rate-limited per client address (ratelimit.py)."""
from __future__ import annotations

import math

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hazards.views import form_error_from_domain
from hazardtrack.errors import DomainError

from . import challenge, ratelimit, selectors, services
from .forms import PublicTipOffForm, TrackForm

SESSION_KEY = "tipoffs_submitted"
# Fields never copied back into a form shown again after a refusal.
NOT_KEPT = ("homepage", "challenge_token", "challenge_proof", "challenge_answer", "csrfmiddlewaretoken")


def _too_many(request, template: str, context: dict, wait: int):
    minutes = max(1, math.ceil(wait / 60))
    context["rate_limited"] = _("提交过于频繁，请 %(minutes)d 分钟后再试。如情况紧急，请直接拨打 12350 安全生产举报热线。") % {
        "minutes": minutes}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _kept_input(request) -> dict:
    return {k: v for k, v in request.POST.items() if k not in NOT_KEPT}


@never_cache
def new(request):
    """举报 form. A refused submission shows what went wrong on its field and keeps what was
    typed (photos must be chosen again: browsers do not keep them)."""
    template = "tipoffs/public_form.html"
    if request.method != "POST":
        return render(request, template, {"form": PublicTipOffForm()})
    wait = ratelimit.hit_request("submit", request)
    if wait:
        return _too_many(request, template, {"form": PublicTipOffForm(initial=_kept_input(request))}, wait)
    form = PublicTipOffForm(request.POST, request.FILES)
    if form.is_valid():
        if not challenge.consume(form.challenge):
            form.add_error("challenge_answer", _("该验证已使用过，请回答新的验证问题后再提交。"))
            form.renew_challenge()
        else:
            try:
                tipoff = services.tipoff_submit(**form.service_kwargs())
            except DomainError as error:
                challenge.release(form.challenge)
                form_error_from_domain(form, error)
            else:
                request.session[SESSION_KEY] = tipoff.tracking_code
                return redirect("tipoffs:public-submitted")
    return render(request, template, {"form": form, "photos_dropped": bool(request.FILES)}, status=400)


@never_cache
def submitted(request):
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect("tipoffs:public-new")
    return render(request, "tipoffs/public_submitted.html", {"code": code})


@never_cache
def track(request):
    """进度查询 by tracking code: status, notes and whether a reward was approved; nothing about
    the reporter."""
    template = "tipoffs/public_track.html"
    form = TrackForm(request.GET or None)
    context = {"form": form, "status": None}
    if not form.is_bound:
        return render(request, template, context)
    wait = ratelimit.hit_request("track", request)
    if wait:
        return _too_many(request, template, context, wait)
    http_status = 400
    if form.is_valid():
        tipoff = selectors.tipoff_by_code(form.cleaned_data["code"])
        if tipoff is None:
            form.add_error("code", _("未找到该查询码，请核对后重新输入（不区分大小写，可省略短横线）。"))
            http_status = 404
        else:
            context["status"] = selectors.public_status_of(tipoff)
            http_status = 200
    response = render(request, template, context, status=http_status)
    response["X-Robots-Tag"] = "noindex"
    return response
