"""Incident pages: thin — parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.jurisdiction import get_visible_or_404, has_role
from hazards.views import form_error_from_domain
from hazardtrack.errors import DomainError
from hazardtrack.pagination import page_size

from . import rules, selectors, services, statistics
from .choices import IncidentGrade
from .forms import ACTION_FORMS, FiguresFilterForm, IncidentForm
from .models import Incident, IncidentAttachment
from .transitions import ACTIONS, STAFF, available_actions, next_step


def _grade_thresholds() -> list[dict]:
    """rules.GRADE_THRESHOLDS for the page script's live grade preview (the server decides)."""
    return [{"label": str(grade.label), "deaths": d, "serious": s, "loss": str(loss)}
            for grade, d, s, loss in rules.GRADE_THRESHOLDS] + [
        {"label": str(IncidentGrade.GENERAL.label), "deaths": 0, "serious": 0, "loss": "0"}]


def _staff_only(request, *, hide: bool = False) -> None:
    """Incidents are regulators' pages. For a single incident the refusal is the same 404 as
    out of jurisdiction (`hide`), so nothing about it leaks."""
    if not has_role(request.user, STAFF):
        raise Http404 if hide else PermissionDenied


@login_required
def incident_list(request):
    _staff_only(request)
    rows, filterset = selectors.incident_list(user=request.user, params=request.GET)
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "incidents/list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "totals": statistics.totals(rows),
    })


@login_required
def new(request):
    _staff_only(request)
    form = IncidentForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(actor=request.user, **form.service_kwargs())
        except DomainError as error:
            form_error_from_domain(form, error)
        else:
            form.uploads_used()
            messages.success(request, _("事故 %(code)s 已记录，定为%(grade)s。")
                             % {"code": incident.code, "grade": incident.get_grade_display()})
            return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/new.html", {"form": form, "grade_thresholds": _grade_thresholds()},
                  status=status)


def _detail_context(request, incident: Incident, bound: dict | None = None) -> dict:
    bound = bound or {}
    # A refused form stays on the page with its message even when the action is no longer
    # available (someone else acted first).
    offered = available_actions(incident, request.user)
    offered += [ACTIONS[name] for name in bound if name not in {a.name for a in offered}]
    actions = [{
        "name": action.name, "label": action.label, "open": action.name in bound,
        "form": bound.get(action.name) or ACTION_FORMS[action.name](incident=incident, user=request.user),
    } for action in offered]
    # Who has been told, by level: people (in-app and email) and the offices' group robots.
    notified: dict[str, set[str]] = {}
    for notice in incident.notices.all():
        who = notice.recipient.display_name if notice.recipient else notice.endpoint.name
        notified.setdefault(notice.get_level_display(), set()).add(who)
    return {
        "incident": incident, "actions": actions, "next_step": next_step(incident),
        "notified": {level: sorted(names) for level, names in notified.items()},
        "investigation": getattr(incident, "investigation", None), "grade_thresholds": _grade_thresholds(),
    }


@login_required
def detail(request, pk: int):
    _staff_only(request, hide=True)
    incident = selectors.incident_detail(user=request.user, pk=pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@login_required
@require_POST
def action(request, pk: int, name: str):
    _staff_only(request, hide=True)
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        raise Http404
    incident = selectors.incident_detail(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES, incident=incident, user=request.user)
    status = 400
    if form.is_valid():
        try:
            form.run(actor=request.user)
        except DomainError as error:
            if error.status == 404:
                raise Http404
            form_error_from_domain(form, error)
            status = 409 if error.status == 409 else 400
        else:
            form.uploads_used()
            messages.success(request, _("已完成：%(action)s。") % {"action": ACTIONS[name].label})
            return redirect("incidents:detail", pk=incident.pk)
    # Re-render with what the user typed kept in the open form.
    return render(request, "incidents/detail.html", _detail_context(request, incident, {name: form}), status=status)


@login_required
def late(request):
    _staff_only(request)
    page = Paginator(selectors.late_reports(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/late.html", {"page": page})


@login_required
def figures(request):
    _staff_only(request)
    form = FiguresFilterForm(request.GET or None, user=request.user)
    report = statistics.incident_figures(user=request.user, region_code=form.region_code(), period=form.period())
    return render(request, "incidents/figures.html", {
        "form": form, "report": report, "figures": statistics.FIGURES, "dimensions": statistics.DIMENSIONS,
        "table_figures": statistics.TABLE_FIGURES,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
@require_POST
def notice_read(request, pk: int):
    notice = services.notice_mark_read(user=request.user, notice_id=pk)
    return redirect("incidents:detail", pk=notice.incident_id)


@login_required
def attachment(request, pk: int, thumb: bool = False):
    """Serve a file only to someone who may see its incident (404 otherwise)."""
    _staff_only(request, hide=True)
    item = IncidentAttachment.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    get_visible_or_404(Incident.objects.only("id", "region_id"), request.user, pk=item.incident_id)
    field = item.thumbnail if thumb and item.thumbnail else item.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404
    content_type = "image/jpeg" if field is item.thumbnail else item.content_type
    response = FileResponse(handle, content_type=content_type, filename=item.original_name,
                            as_attachment=not item.is_image)
    response["Cache-Control"] = "private, max-age=3600"
    return response
