"""Staff pages: the triage queue, a tip-off with its actions and reward, photos, figures.
Thin: parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.jurisdiction import get_visible_or_404
from hazards.reporting import PossibleDuplicates
from hazards.views import form_error_from_domain
from hazardtrack.errors import DomainError
from hazardtrack.pagination import PAGE_SIZES, page_size

from . import selectors, services
from .forms import (
    REWARD_FORMS,
    REWARD_LABELS,
    TIPOFF_ACTION_FORMS,
    TIPOFF_ACTION_LABELS,
    FiguresForm,
    HotlineTipOffForm,
)
from .models import TipOff, TipOffPhoto
from .rules import available_actions, is_regulator


def _require_regulator(request) -> None:
    if not is_regulator(request.user):
        raise PermissionDenied(_("只有监管部门工作人员可以办理群众举报。"))


@login_required
def queue(request):
    _require_regulator(request)
    params = request.GET if request.GET else {"queue": "open"}
    rows, filterset = selectors.tipoff_list(user=request.user, params=params)
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    page.object_list = selectors.flag_near_hazards(user=request.user, tipoffs=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tipoffs/queue.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "page_sizes": PAGE_SIZES,
    })


@login_required
def hotline(request):
    """登记 a 12350 hotline tip-off; it then waits in the queue like any other."""
    _require_regulator(request)
    form = HotlineTipOffForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tipoff = services.tipoff_submit(**form.service_kwargs())
        except DomainError as error:
            form_error_from_domain(form, error)
        else:
            form.uploads_used()
            messages.success(request, _("热线举报已登记，查询码 %(code)s（请告知来电人）。") % {"code": tipoff.tracking_code})
            return redirect("tipoffs:detail", pk=tipoff.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tipoffs/hotline.html", {"form": form}, status=status)


def _detail_context(request, tipoff: TipOff, bound: dict | None = None) -> dict:
    bound = bound or {}
    reward = selectors.live_reward(tipoff)
    decisions, steps = available_actions(tipoff, request.user, live_reward=reward)
    # A refused form stays on the page with its message even when the action is no longer
    # available (someone else decided first).
    decisions += [k for k in bound if k in TIPOFF_ACTION_FORMS and k not in decisions]
    steps += [k[7:] for k in bound if k.startswith("reward-") and k[7:] not in steps]
    actions = [
        {"name": name, "label": TIPOFF_ACTION_LABELS[name], "open": name in bound,
         "url": "tipoffs:action",
         "form": bound.get(name) or TIPOFF_ACTION_FORMS[name](tipoff=tipoff, user=request.user)}
        for name in decisions
    ]
    reward_actions = [
        {"name": name, "label": REWARD_LABELS[name], "open": f"reward-{name}" in bound, "url": "tipoffs:reward",
         "form": bound.get(f"reward-{name}") or REWARD_FORMS[name](tipoff=tipoff, reward=reward, user=request.user)}
        for name in steps
    ]
    return {"tipoff": tipoff, "actions": actions, "reward_actions": reward_actions, "reward": reward,
            "near_hazards": selectors.tipoff_near_hazards(user=request.user, tipoff=tipoff)}


@login_required
def detail(request, pk: int):
    tipoff = selectors.tipoff_detail(user=request.user, pk=pk)
    return render(request, "tipoffs/detail.html", _detail_context(request, tipoff))


def _run(request, tipoff: TipOff, form, key: str, done: str):
    """Call the form's service; on refusal re-render the page with the form open and kept."""
    status = 400
    if form.is_valid():
        try:
            form.call()
        except PossibleDuplicates as error:
            # Nothing saved: the candidates are shown in the open form to link or go on.
            form.duplicate_candidates, status = error.candidates, 200
        except DomainError as error:
            if error.status == 404:
                raise Http404
            form_error_from_domain(form, error)
            status = 409 if error.status == 409 else 400
        else:
            messages.success(request, done)
            if selectors.tipoff_queryset(user=request.user).filter(pk=tipoff.pk).exists():
                return redirect("tipoffs:detail", pk=tipoff.pk)
            return redirect("tipoffs:queue")  # transferred out of the user's jurisdiction
    return render(request, "tipoffs/detail.html", _detail_context(request, tipoff, {key: form}), status=status)


# kind → (forms, labels, key prefix on the page)
ACTION_KINDS = {
    "decision": (TIPOFF_ACTION_FORMS, TIPOFF_ACTION_LABELS, ""),
    "reward": (REWARD_FORMS, REWARD_LABELS, "reward-"),
}


@login_required
@require_POST
def action(request, pk: int, name: str, kind: str = "decision"):
    """A decision on the tip-off (accept, duplicate, reject, transfer) or a reward step."""
    form_classes, labels, prefix = ACTION_KINDS[kind]
    form_class = form_classes.get(name)
    if form_class is None:
        raise Http404
    tipoff = selectors.tipoff_detail(user=request.user, pk=pk)
    extra = {"reward": selectors.live_reward(tipoff)} if kind == "reward" else {}
    form = form_class(request.POST, tipoff=tipoff, user=request.user, **extra)
    return _run(request, tipoff, form, prefix + name, _("已完成：%(action)s。") % {"action": labels[name]})


@login_required
def photo(request, pk: int, thumb: bool = False):
    """A tip-off photo, only to staff who may see the tip-off (404 otherwise)."""
    item = TipOffPhoto.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    get_visible_or_404(selectors.tipoff_queryset(user=request.user).only("id", "region_id"), request.user,
                       pk=item.tipoff_id)
    field = item.thumbnail if thumb and item.thumbnail else item.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404
    content_type = "image/jpeg" if field is item.thumbnail else item.content_type
    response = FileResponse(handle, content_type=content_type, filename=item.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def figures(request):
    """举报统计 for the user's jurisdiction: totals and per child region."""
    _require_regulator(request)
    start, end = selectors.default_period()
    form = FiguresForm(request.GET or None, initial={"start": start, "end": end})
    region = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            start, end, region = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["region"]
        else:
            status = 400
    totals = selectors.tipoff_figures(user=request.user, start=start, end=end, region_code=region or None)
    rows = selectors.tipoff_figures_by_region(user=request.user, start=start, end=end, region_code=region or None)
    return render(request, "tipoffs/figures.html", {
        "form": form, "totals": totals, "rows": rows, "start": start, "end": end, "region": region,
    }, status=status)
