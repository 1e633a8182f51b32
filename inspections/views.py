"""Inspection pages: thin — parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazards.reporting import PossibleDuplicates
from hazards.views import form_error_from_domain
from hazardtrack.errors import DomainError
from hazardtrack.pagination import page_size
from hazardtrack.pdf import PdfUnavailable

from . import documents, selectors, services
from .choices import DocumentKind
from .forms import ConflictForm, DrawForm, FinishForm, InspectionCreateForm, OrderForm, PlanForm, ResultForm
from .models import ConflictOfInterest

def _status_for(error: DomainError) -> int:
    if error.status == 404:
        raise Http404
    return 409 if error.status == 409 else 400


def _submit(request, form, service, **kwargs):
    """Feed a posted form to a service: (result or None, HTTP status). A refusal lands on the
    form, on its field when the service named one; the form keeps what was typed."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    data = form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
    try:
        return service(actor=request.user, **data, **kwargs), 200
    except DomainError as error:
        form_error_from_domain(form, error)
        return None, _status_for(error)


def _act(request, service, success, **kwargs) -> None:
    """A one-button action: call the service; its refusal or `success` (text, or a function of
    the result) becomes the page's message."""
    try:
        result = service(actor=request.user, **kwargs)
    except DomainError as error:
        _status_for(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, success(result) if callable(success) else success)


# --- inspections ---------------------------------------------------------------------------

@login_required
def inspection_list(request):
    rows, filterset = selectors.inspection_list(user=request.user, params=request.GET)
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspections/list.html", {"filter": filterset, "page": page, "query": query.urlencode()})


@login_required
def inspection_new(request):
    # From an enterprise's page (?enterprise=<id>): that enterprise, its sector's checklists first.
    enterprise = selectors.enterprise_for_new_inspection(user=request.user, pk=request.GET.get("enterprise"))
    form = InspectionCreateForm(request.POST or None, user=request.user, enterprise=enterprise)
    inspection, status = _submit(request, form, services.inspection_create)
    if inspection is not None:
        messages.success(request, _("检查已开始，请逐项填写检查结果（每项单独保存）。"))
        return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/new.html", {"form": form}, status=status)


def _item_form(row, *, data=None, files=None, user=None, inspection_id=None) -> ResultForm:
    initial = {"expected": row.result.result if row.result else ""}
    if row.result:
        initial.update(result=row.result.result, note=row.result.note)
    # `user`: a sent form keeps its photos for a refused save (hazardtrack/uploads.py).
    return ResultForm(data, files, initial=initial, auto_id=f"i{row.item.pk}_%s", uploader=user,
                      upload_key=f"ResultForm:{inspection_id}:{row.item.pk}")


def _detail_context(request, inspection, bound: dict | None = None, *, finish_form=None, order_form=None) -> dict:
    """`bound`: item forms by item id; `finish_form`, `order_form`: a refused form to show again."""
    bound = bound or {}
    may_record = services.may_record(inspection, request.user)
    rows = selectors.checklist_rows(inspection)
    similar = selectors.item_duplicate_candidates(user=request.user, inspection=inspection, rows=rows) \
        if may_record else {}
    for row in rows:
        row.form = bound.get(row.item.pk) or (_item_form(row) if may_record else None)
        # Those the service refused with (the note counts too) win over the title's.
        row.candidates = getattr(row.form, "duplicate_candidates", None) or similar.get(row.item.pk, [])
    answered = sum(1 for row in rows if row.result)
    docs = {d.kind: d for d in inspection.documents.all()}
    return {
        "inspection": inspection, "rows": rows, "may_record": may_record, "answered": answered,
        "finish_form": finish_form or (FinishForm(initial={"version": inspection.version}) if may_record else None),
        "order_form": order_form or OrderForm(), "record_doc": docs.get(DocumentKind.RECORD),
        "order_doc": docs.get(DocumentKind.ORDER),
    }


@login_required
def inspection_detail(request, pk: int):
    inspection = selectors.inspection_detail(user=request.user, pk=pk)
    return render(request, "inspections/detail.html", _detail_context(request, inspection))


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
@require_POST
def record_result(request, pk: int, item_id: int):
    """Save one item. A script posts it in the background and swaps in the returned card;
    without a script the page reloads at the item."""
    inspection = selectors.inspection_detail(user=request.user, pk=pk)
    row = next((r for r in selectors.checklist_rows(inspection) if r.item.pk == item_id), None)
    if row is None:
        raise Http404
    form = _item_form(row, data=request.POST, files=request.FILES, user=request.user, inspection_id=inspection.pk)
    status = 400
    if form.is_valid():
        try:
            services.inspection_record_result(inspection_id=inspection.pk, actor=request.user, item_id=item_id,
                                              **form.service_kwargs())
        except PossibleDuplicates as error:
            form.duplicate_candidates, status = error.candidates, 409
            form.add_error(None, _("该单位已有相似的未办结隐患，请先选择是否为同一隐患，再保存本项。"))
        except DomainError as error:
            form_error_from_domain(form, error)
            status = _status_for(error)
        else:
            form.uploads_used()
            if _is_fetch(request):
                inspection = selectors.inspection_detail(user=request.user, pk=pk)
                context = _detail_context(request, inspection)
                row = next(r for r in context["rows"] if r.item.pk == item_id)
                response = HttpResponse(render_to_string("inspections/_item.html", {**context, "row": row},
                                                         request=request))
                response["X-Progress"] = f"{context['answered']}/{len(context['rows'])}"
                return response
            return redirect(reverse("inspections:detail", args=[pk]) + f"#item-{item_id}")
    context = _detail_context(request, inspection, {item_id: form})
    if _is_fetch(request):
        row = next(r for r in context["rows"] if r.item.pk == item_id)
        return HttpResponse(render_to_string("inspections/_item.html", {**context, "row": row}, request=request),
                            status=status)
    return render(request, "inspections/detail.html", context, status=status)


@login_required
@require_POST
def inspection_finish(request, pk: int):
    inspection = selectors.inspection_detail(user=request.user, pk=pk)
    form = FinishForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.inspection_finish(actor=request.user, inspection_id=pk, conclusion=form.cleaned_data["conclusion"],
                                       expected_version=form.cleaned_data["version"])
        except DomainError as error:
            form_error_from_domain(form, error)
            status = _status_for(error)
        else:
            messages.success(request, _("检查已完成。"))
            return redirect("inspections:detail", pk=inspection.pk)
    # The refusal is shown on the form, which keeps the conclusion typed.
    return render(request, "inspections/detail.html", _detail_context(request, inspection, finish_form=form),
                  status=status)


@login_required
@require_POST
def document_issue(request, pk: int, kind: str):
    if kind not in DocumentKind.values:
        raise Http404
    inspection = selectors.inspection_detail(user=request.user, pk=pk)
    deadline = None
    if kind == DocumentKind.ORDER:
        form = OrderForm(request.POST)
        if not form.is_valid():  # shown on the form, which keeps the date typed
            return render(request, "inspections/detail.html", _detail_context(request, inspection, order_form=form),
                          status=400)
        deadline = form.cleaned_data["deadline"]
    _act(request, services.document_issue,
         lambda doc: _("已制发%(doc)s %(no)s。") % {"doc": doc.get_kind_display(), "no": doc.doc_no},
         inspection_id=inspection.pk, kind=kind, deadline=deadline)
    return redirect("inspections:detail", pk=pk)


@login_required
def document_pdf(request, pk: int, kind: str):
    inspection = selectors.inspection_detail(user=request.user, pk=pk)
    document = next((d for d in inspection.documents.all() if d.kind == kind), None)
    if document is None:
        raise Http404
    try:
        pdf = documents.render(document)
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("inspections:detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=\"{kind}-{document.year}-{document.number}.pdf\""
    return response


# --- enterprises and checklists ------------------------------------------------------------

@login_required
def enterprise_page(request, pk: int):
    return render(request, "inspections/enterprise.html", selectors.enterprise_overview(user=request.user, pk=pk))


@login_required
def template_list(request):
    return render(request, "inspections/templates.html", {"templates": selectors.template_list()})


@login_required
def template_detail(request, pk: int):
    try:
        number = int(request.GET["v"]) if request.GET.get("v") else None
    except ValueError:
        raise Http404
    template, version = selectors.template_detail(pk=pk, version=number)
    return render(request, "inspections/template_detail.html", {
        "template": template, "version": version, "items": version.items.order_by("position"),
        "versions": template.versions.order_by("-number"),
    })


# --- plans ---------------------------------------------------------------------------------

@login_required
def plan_list(request):
    return render(request, "inspections/plans.html", {"plans": selectors.plan_list(user=request.user)})


@login_required
def plan_new(request):
    form = PlanForm(request.POST or None, user=request.user)
    plan, status = _submit(request, form, services.plan_create)
    if plan is not None:
        messages.success(request, _("抽查计划已保存，可以进行随机抽取。"))
        return redirect("inspections:plan", pk=plan.pk)
    return render(request, "inspections/plan_new.html", {"form": form}, status=status)


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    return render(request, "inspections/plan_detail.html", {
        "plan": plan, "draw_form": DrawForm(), "verification": selectors.plan_verify(plan) if plan.seed else None,
    })


@login_required
@require_POST
def plan_draw(request, pk: int):
    form = DrawForm(request.POST)
    if not form.is_valid():  # never draw with another seed than the one typed
        plan = selectors.plan_detail(user=request.user, pk=pk)
        return render(request, "inspections/plan_detail.html", {
            "plan": plan, "draw_form": form, "verification": selectors.plan_verify(plan) if plan.seed else None,
        }, status=400)
    _act(request, services.plan_draw, _("已完成随机抽取，检查任务已派发。"), plan_id=pk, seed=form.cleaned_data["seed"])
    return redirect("inspections:plan", pk=pk)


@login_required
@require_POST
def plan_publish(request, pk: int):
    _act(request, services.plan_publish, _("抽查结果已向社会公开。"), plan_id=pk)
    return redirect("inspections:plan", pk=pk)


@login_required
def conflicts(request):
    form = ConflictForm(request.POST or None, user=request.user)
    conflict, status = _submit(request, form, services.conflict_record)
    if conflict is not None:
        messages.success(request, _("回避关系已登记。"))
        return redirect("inspections:conflicts")
    rows = ConflictOfInterest.objects.visible_to(request.user).select_related("inspector", "enterprise")[:500]
    return render(request, "inspections/conflicts.html", {"form": form, "rows": rows}, status=status)


# --- public (no login): 一公开 ---------------------------------------------------------------

def public_index(request):
    return render(request, "inspections/public_index.html", {"plans": selectors.public_plans()[:100]})


def public_plan(request, pk: int):
    plan = selectors.public_plan(pk=pk)
    return render(request, "inspections/public_plan.html", {"plan": plan})
