"""Hazard pages: thin — parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.jurisdiction import get_visible_or_404
from hazardtrack.errors import DomainError
from hazardtrack.pagination import BoundedPaginator

from . import reporting, selectors, services
from .forms import TRANSITION_FORMS, DuplicateChoiceForm, HazardEditForm, HazardReportForm
from .models import Attachment, Hazard
from .transitions import TRANSITIONS, available_transitions

PAGE_SIZES = (20, 50, 100)
# Column names of a ledger row, translated once per page (see _hazard_row.html).
ROW_LABELS = {
    "code": gettext_lazy("编号"), "title": gettext_lazy("隐患名称"), "enterprise": gettext_lazy("单位"),
    "region": gettext_lazy("区划"), "sector": gettext_lazy("行业"), "level": gettext_lazy("等级"),
    "status": gettext_lazy("状态"), "deadline": gettext_lazy("整改期限"), "on_spot": gettext_lazy("立行立改"),
    "overdue": gettext_lazy("逾期"),
}


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", 20))
    except ValueError:
        return 20
    return size if size in PAGE_SIZES else 20


def form_error_from_domain(form, error: DomainError) -> None:
    """Show a refused action on the form: on its field when the service named one."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


@login_required
def ledger(request):
    rows, filterset = selectors.hazard_list(user=request.user, params=request.GET)
    from supervision.statistics import rollup_ledger_count

    exact = filterset.is_bound and filterset.is_valid() or not filterset.is_bound
    paginator = BoundedPaginator(rows, _page_size(request),
                                 exact_count=lambda: rollup_ledger_count(request.user, request.GET) if exact else None)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hazards/ledger.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "page_sizes": PAGE_SIZES,
        "row_labels": {key: str(label) for key, label in ROW_LABELS.items()},
    }, status=400 if filterset.is_bound and not filterset.is_valid() else 200)


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
                messages.success(request, _("已关联为同一隐患 %(code)s（本次上报记为 %(mine)s，不重复计数）。")
                                 % {"code": hazard.duplicate_of.code, "mine": hazard.code})
                return redirect("hazards:detail", pk=hazard.duplicate_of_id)
            messages.success(request, _("隐患 %(code)s 已上报。") % {"code": hazard.code})
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
            messages.success(request, _("已完成：%(action)s。") % {"action": TRANSITIONS[name].label})
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
