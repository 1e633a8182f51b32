"""Hazard pages: thin — parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.jurisdiction import get_visible_or_404
from accounts.selectors import picker_regions
from accounts.models import Enterprise
from hazardtrack.errors import DomainError
from hazardtrack.formats import cn_date
from hazardtrack.pagination import PAGE_SIZES, BoundedPaginator, exact_count_of, page_size

from . import reporting, selectors, services
from .forms import TRANSITION_FORMS, DuplicateChoiceForm, HazardEditForm, HazardReportForm
from .choices import EventAction
from .ladder import attach_deadline_days
from .ledger_filter_html import filter_fields_html
from .ledger_rows import LEDGER_COLUMNS
from .models import Attachment, Hazard
from .selectors import LEDGER
from .todo import todo_list
from .transitions import TRANSITIONS, available_transitions

DEFAULT_ORDERING = "-found_at"  # hazards/selectors.py hazard_list
# The filter bar shows these; the rest are under "更多筛选". `enterprise` (an id) and
# `region_exact` (a code) come from links (drill-down, to-do) and are kept as hidden fields.
BAR_FILTERS = ("q", "status", "level", "overdue", "due_soon", "region")
HIDDEN_FILTERS = ("enterprise", "region_exact")
# "更多筛选" starts with the order and what people look for most; the drill-down and to-do
# filters follow in the filterset's order.
MORE_FIRST = ("ordering", "enterprise_name", "sector", "source", "category", "found_after", "found_before",
              "deadline_after", "deadline_before", "due_within")


def _with(query, **changes) -> str:
    """The query string with `changes` applied (None removes a parameter)."""
    query = query.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _columns(query, ordering: str) -> list[dict]:
    """Each column's header: the link that sorts by it (keeping the other filters, back to page
    1) and its aria-sort."""
    current = ordering or DEFAULT_ORDERING
    columns = []
    for key, label, param, first in LEDGER_COLUMNS:
        if current.lstrip("-") == param:
            sort = "descending" if current.startswith("-") else "ascending"
            next_ordering = param if sort == "descending" else "-" + param
        else:
            sort, next_ordering = "", first + param
        columns.append({"key": key, "label": label, "sort": sort,
                        "url": "?" + _with(query, ordering=next_ordering, page=None)})
    return columns


def _filter_groups(filterset, regions: list[dict]) -> dict:
    form = filterset.form
    bound = form.data if filterset.is_bound else {}
    shown = BAR_FILTERS + HIDDEN_FILTERS
    more = [form[name] for name in MORE_FIRST] + [form[name] for name in form.fields
                                                  if name not in shown + MORE_FIRST]
    # The order (set by a column header) alone does not open the disclosure.
    chosen = [field for field in more if field.name != "ordering" and bound and any(bound.getlist(field.name))]
    # No region picker for a user without regions to pick (an enterprise contact).
    bar = [form[name] for name in BAR_FILTERS if name != "region" or regions]
    return {
        "bar": filter_fields_html(bar, regions),
        "more": filter_fields_html(more, regions),
        "hidden": [form[name] for name in HIDDEN_FILTERS if bound and bound.get(name)],
        "more_chosen": len(chosen),
        "more_open": bool(chosen) or any(field.errors for field in more),
    }


def form_error_from_domain(form, error: DomainError) -> None:
    """Show a refused action on the form: every problem the service found, each on its field
    when the service named one."""
    for field, field_messages in error.errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            if str(message) not in [str(m) for m in form.errors.get(target or "__all__", [])]:
                form.add_error(target, str(message))


def success_message(name: str, hazard: Hazard) -> str:
    """What the action did, in the words of its outcome (not only its name)."""
    values = {"code": hazard.code, "status": hazard.get_status_display(), "action": TRANSITIONS[name].label,
              "deadline": cn_date(hazard.current_deadline)}
    last = hazard.events.order_by("-pk").values_list("action", flat=True).first()
    outcomes = {
        EventAction.EXTENSION_APPROVED: _("已批准延期：隐患 %(code)s 的整改期限延至 %(deadline)s。"),
        EventAction.EXTENSION_REFUSED: _("已不予批准延期：隐患 %(code)s 的整改期限仍为 %(deadline)s。"),
        EventAction.VERIFICATION_FAILED: _("复查不通过：隐患 %(code)s 已退回整改，整改期限 %(deadline)s。"),
        EventAction.VERIFIED: _("复查通过：隐患 %(code)s 可以销号。"),
        EventAction.RESUME_APPROVED: _("复产审查合格：隐患 %(code)s 已解除停产停业，可以销号。"),
        EventAction.RESUME_REFUSED: _("复产审查不合格：隐患 %(code)s 继续停产停业整改。"),
        EventAction.SIGNED_OFF: _("隐患 %(code)s 已销号。"),
        EventAction.REJECTED: _("隐患 %(code)s 已不予认定。"),
    }
    message = outcomes.get(last) or _("隐患 %(code)s：已%(action)s，当前状态为“%(status)s”。")
    return message % values


@login_required
def home(request):
    """The home page (the site's `home`, hazards/site_urls.py): the user's 待办 and the hazard
    figures of their jurisdiction."""
    return render(request, "hazards/home.html", {"summary": selectors.hazard_home_summary(user=request.user),
                                                 "todo": todo_list(user=request.user)})


@login_required
def todo(request):
    """待办: what waits for the user, by role (hazards/todo.py), each linked to its ledger rows."""
    return render(request, "hazards/todo.html", {"todo": todo_list(user=request.user)})


@login_required
def ledger(request):
    rows, filterset = selectors.hazard_list(user=request.user, params=request.GET)
    valid = not filterset.is_bound or filterset.is_valid()
    paginator = BoundedPaginator(rows, page_size(request),
                                 exact_count=lambda: exact_count_of(LEDGER, request.user, request.GET) if valid else None,
                                 live_first=selectors.ledger_counts_live_first(request.GET))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = attach_deadline_days(list(page.object_list))  # days left / overdue: one query
    query = request.GET.copy()
    query.pop("page", None)
    ordering = (filterset.form.cleaned_data.get("ordering") or [""])[0] if filterset.is_bound and valid else ""
    regions = [{"code": code, "name": name, "indent": "\u00a0\u00a0" * depth}
               for code, name, depth in picker_regions(request.user, selected=request.GET.get("region", ""))]
    return render(request, "hazards/ledger.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "page_sizes": [
            {"size": size, "url": "?" + _with(query, page_size=str(size)), "current": size == paginator.per_page}
            for size in PAGE_SIZES],
        "page_links": [{"number": n, "url": "?" + _with(query, page=str(n)) if isinstance(n, int) else ""}
                       for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)],
        "columns": _columns(query, ordering), **_filter_groups(filterset, regions),
        "page_size_value": paginator.per_page if paginator.per_page != PAGE_SIZES[0] else "",
    }, status=200 if valid else 400)


@login_required
def enterprise_suggestions(request):
    """Names for the ledger's 单位 field as the user types: enterprises of their jurisdiction
    (an enterprise contact: their own), at most ten, as JSON."""
    text = request.GET.get("q", "").strip()[:64]
    found = []
    if text:
        found = list(Enterprise.objects.visible_to(request.user).filter(name__icontains=text)
                     .order_by("name").values("id", "name")[:10])
    return JsonResponse({"results": found}, json_dumps_params={"ensure_ascii": False})


@login_required
def new(request):
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    choice = DuplicateChoiceForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid() and choice.is_valid():
        try:
            hazard = reporting.hazard_report(actor=request.user, **form.service_kwargs(), **choice.service_kwargs())
        except reporting.PossibleDuplicates as error:
            candidates = error.candidates  # shown above the submit buttons; nothing saved yet
        except DomainError as error:
            form_error_from_domain(form, error)
        else:
            if hazard.duplicate_of_id:
                form.uploads_used()
                messages.success(request, _("已关联为同一隐患 %(code)s（本次上报记为 %(mine)s，不重复计数）。")
                                 % {"code": hazard.duplicate_of.code, "mine": hazard.code})
                return redirect("hazards:detail", pk=hazard.duplicate_of_id)
            form.uploads_used()
            if hazard.rectified_on_spot:
                messages.success(request, _("隐患 %(code)s 已按立行立改记录并销号（仍计入隐患统计）。") % {"code": hazard.code})
            else:
                messages.success(request, _("隐患 %(code)s 已上报，等待监管部门认定。") % {"code": hazard.code})
            return redirect("hazards:detail", pk=hazard.pk)
    for error in choice.errors.get("duplicate_of", []):
        form.add_error(None, error)
    status = 400 if request.method == "POST" and not candidates else 200
    return render(request, "hazards/new.html", {"form": form, "candidates": candidates}, status=status)


def _detail_context(request, hazard: Hazard, bound: dict | None = None) -> dict:
    bound = bound or {}
    actions = []
    for transition in available_transitions(hazard, request.user):
        if transition.name == "update":
            continue
        form = bound.get(transition.name) or TRANSITION_FORMS[transition.name](hazard=hazard, user=request.user)
        actions.append({"name": transition.name, "label": transition.label, "form": form,
                        "open": transition.name in bound})
    can_edit = any(t.name == "update" for t in available_transitions(hazard, request.user))
    return {"hazard": hazard, "actions": actions, "can_edit": can_edit}


@login_required
def detail(request, pk: int):
    hazard = selectors.hazard_detail(user=request.user, pk=pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


@login_required
@require_POST
def transition(request, pk: int, name: str):
    form_class = TRANSITION_FORMS.get(name)
    if form_class is None:
        raise Http404
    hazard = selectors.hazard_detail(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES, hazard=hazard, user=request.user)
    status = 400
    if form.is_valid():
        try:
            form.service(hazard_id=hazard.pk, actor=request.user, expected_version=form.cleaned_data["version"],
                         **form.service_kwargs())
        except DomainError as error:
            if error.status == 404:
                raise Http404
            form_error_from_domain(form, error)
            status = 409 if error.status == 409 else 400
            # Someone else may have moved the hazard on: show it as it is now.
            hazard = selectors.hazard_detail(user=request.user, pk=pk)
            if not any(t.name == name for t in available_transitions(hazard, request.user)):
                # The action's form is no longer offered, so its refusal would go unseen.
                messages.error(request, error.message)
        else:
            form.uploads_used()
            hazard = selectors.hazard_detail(user=request.user, pk=pk)
            messages.success(request, success_message(name, hazard))
            return redirect("hazards:detail", pk=hazard.pk)
    # Re-render with what the user typed kept in the open form.
    return render(request, "hazards/detail.html", _detail_context(request, hazard, {name: form}), status=status)


@login_required
def edit(request, pk: int):
    hazard = selectors.hazard_detail(user=request.user, pk=pk)
    form = HazardEditForm(request.POST or None, instance=hazard, initial={"version": hazard.version})
    status = 200
    if request.method == "POST":
        # The ModelForm only parses; the service applies the change under lock and version check.
        form.instance = Hazard.objects.get(pk=hazard.pk)
        if form.is_valid():
            try:
                services.hazard_update(hazard_id=hazard.pk, actor=request.user,
                                       expected_version=form.cleaned_data["version"], **form.service_kwargs())
            except DomainError as error:
                if error.status == 404:
                    raise Http404
                form_error_from_domain(form, error)
                status = 409 if error.status == 409 else 400
            else:
                messages.success(request, _("隐患信息已保存。"))
                return redirect("hazards:detail", pk=hazard.pk)
        else:
            status = 400
    return render(request, "hazards/edit.html", {"hazard": hazard, "form": form}, status=status)


@login_required
def attachment(request, pk: int, thumb: bool = False):
    """Serve a file only to someone who may see its hazard (404 otherwise)."""
    item = Attachment.objects.select_related("hazard").filter(pk=pk).first()
    if item is None:
        raise Http404
    get_visible_or_404(Hazard.objects.only("id", "region_id", "enterprise_id"), request.user, pk=item.hazard_id)
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
