"""Notice pages: the inbox (every user), the job's run log and the escalation rules
(administrators). Thin views."""
from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hazardtrack.errors import DomainError

from . import selectors, services, sources
from .choices import NoticeKind
from .forms import EscalationPolicyForm, NoticePreferencesForm
from .models import EscalationPolicy, EscalationRun
from .policy import LADDER_FIELDS


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    kind, kind_error = request.GET.get("kind", ""), ""
    if kind and kind not in NoticeKind.values:
        kind, kind_error = "", _("没有“%(kind)s”这种消息类型，请从列表中选择。") % {"kind": kind[:40]}
    rows = selectors.inbox(user=request.user, unread_only=unread_only, kind=kind)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {
        "page": page, "unread_only": unread_only, "kind": kind, "kind_error": kind_error,
        "kinds": selectors.inbox_kinds(user=request.user, selected=kind), "inbox_sources": sources.registered(),
    }, status=400 if kind_error else 200)


@login_required
@require_POST
def read(request, pk: int):
    """Mark one message read, then open what it is about (or go back to the inbox)."""
    delivery = services.notice_mark_read(user=request.user, delivery_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(delivery.notice.url)


@login_required
@require_POST
def read_all(request):
    services.notices_mark_all_read(user=request.user)
    for source in sources.registered():
        source.mark_all_read(user=request.user)
    return redirect("notices:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """消息设置: which kinds of notice also come by email or group robot (in-app always)."""
    from .preferences import preferences_of, robot_available

    form = NoticePreferencesForm(request.POST or None, user=request.user, robot=robot_available(request.user),
                                 initial_values=preferences_of(request.user))
    if request.method == "POST":
        if form.is_valid():
            changed = services.notice_preferences_save(user=request.user, values=form.values())
            messages.success(request, _("消息设置已保存。") if changed else _("消息设置没有变化。"))
            return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def runs(request):
    """The nightly runs: administrators see everything; a supervisor reads (only) what each run
    did in their jurisdiction."""
    if not selectors.may_read_runs(request.user):
        raise PermissionDenied
    admin = selectors.is_administrator(request.user)
    return render(request, "notices/runs.html", {
        "runs": selectors.recent_runs(user=request.user), "is_admin": admin,
        "health": selectors.escalation_health(user=request.user),
        "failed_deliveries": selectors.failed_delivery_count() if admin else 0,
    })


@login_required
@require_GET
def run_detail(request, pk: int):
    """One run's reminders and escalations in the user's jurisdiction, each with the rule
    (督办规则) that applied. Read only."""
    if not selectors.may_read_runs(request.user):
        raise PermissionDenied
    run = get_object_or_404(EscalationRun, pk=pk)
    page = Paginator(selectors.run_escalations(user=request.user, run=run), 50).get_page(request.GET.get("page"))
    return render(request, "notices/run_detail.html", {
        "run": run, "page": page, "rows": selectors.with_rules(page.object_list),
        "is_admin": selectors.is_administrator(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """An administrator's escalation rules (督办规则): what applies in a region of their
    jurisdiction (`?region=`, else their own) and where it comes from; the region's own rules
    to create or change."""
    if not selectors.is_administrator(request.user):
        raise PermissionDenied
    region = selectors.policy_region(user=request.user, code=request.GET.get("region"))
    effective = selectors.effective_policy(region=region) if region else None
    form = None
    if region is not None:
        # A new policy starts from the ladder that applies now (inherited or the defaults). A copy:
        # validation writes what was typed onto the instance, and the page shows the saved rules.
        instance = copy.copy(effective.own_policy) or EscalationPolicy(
            region=region, **{name: getattr(effective.ladder, name) for name in LADDER_FIELDS})
        form = EscalationPolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form is not None:  # without a region there is nothing to save
        if form.is_valid():
            try:
                _policy, changes = services.escalation_policy_save(actor=request.user, region=region,
                                                                   values=form.values())
            except ValidationError as error:
                form.add_error(None, error)
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                if changes:
                    messages.success(request, _("%(region)s的督办规则已保存，自下一次逾期督办任务起生效。")
                                     % {"region": region.name})
                else:
                    messages.info(request, _("督办规则没有变化。"))
                return redirect(f"{reverse('notices:policy')}?{urlencode({'region': region.code})}")
    return render(request, "notices/policy.html", {
        "region": region, "effective": effective, "form": form,
        "regions": selectors.policy_region_choices(user=request.user, selected=region),
        "policies": selectors.policies_in_jurisdiction(user=request.user),
    }, status=400 if request.method == "POST" else 200)
