"""Notice pages: the inbox (every user) and the job's run log (administrators). Thin views."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services, sources


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=request.user, unread_only=unread_only), 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "unread_only": unread_only,
                                                  "inbox_sources": sources.registered()})


@login_required
@require_POST
def read(request, pk: int):
    """Mark one message read, then open its hazard (or go back to the inbox)."""
    delivery = services.notice_mark_read(user=request.user, delivery_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("hazards:detail", pk=delivery.notice.hazard_id)


@login_required
@require_POST
def read_all(request):
    services.notices_mark_all_read(user=request.user)
    for source in sources.registered():
        source.mark_all_read(user=request.user)
    return redirect("notices:inbox")


@login_required
def runs(request):
    if not selectors.is_administrator(request.user):
        raise PermissionDenied
    return render(request, "notices/runs.html", {
        "runs": selectors.recent_runs(),
        "health": selectors.escalation_health(user=request.user),
        "failed_deliveries": selectors.failed_delivery_count(),
    })
