"""Excel pages: thin — parse input, call one service or selector, render or stream."""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import audit
from accounts.api.filtersets import EnterpriseFilterSet
from hazards.views import form_error_from_domain
from hazardtrack.errors import DomainError

from . import exports, selectors, services, tasks, writing
from .choices import ExportFormat, ImportKind, ImportStatus
from .forms import StartForm, UploadForm
from .models import ImportJob

RECENT_JOBS = 20


def _format(fmt: str) -> str:
    if fmt not in ExportFormat.values:
        raise Http404
    return fmt


def chinese(view):
    """Workbooks are Chinese documents whatever the page language: their headers are what the
    importer reads back (see columns.py)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return view(*args, **kwargs)
    return wrapper


def _refused(request, error: DomainError):
    """An export refused before any row was written: the site's 400 page with the reason."""
    return render(request, "400.html", {"reason": error.message}, status=error.status)


def _respond(fmt: str, name: str, tables):
    filename = writing.stamped(name, fmt)
    return writing.xlsx_response(filename, tables) if fmt == ExportFormat.XLSX else writing.csv_response(filename, tables)


@login_required
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(actor=request.user, kind=form.cleaned_data["kind"],
                                             upload=form.cleaned_data["file"])
        except DomainError as error:
            form_error_from_domain(form, error)
        else:
            tasks.enqueue(tasks.validate_import, job)
            return redirect("spreadsheets:job", pk=job.pk)
    return render(request, "spreadsheets/index.html", {
        "form": form,
        "jobs": selectors.import_job_list(user=request.user)[:RECENT_JOBS],
        "can_import": {kind: services.can_import(request.user, kind) for kind in ImportKind.values},
        "enterprise_filter": EnterpriseFilterSet(request.GET or None),
    }, status=400 if request.method == "POST" else 200)


def _job_context(request, job: ImportJob, start_form: StartForm | None = None) -> dict:
    return {
        "job": job,
        "issues": selectors.first_issues(job) if job.status != ImportStatus.UPLOADED else [],
        "duplicates": selectors.duplicate_issues(job) if job.status != ImportStatus.UPLOADED else [],
        "suggestions": selectors.suggestion_issues(job) if job.status != ImportStatus.UPLOADED else [],
        "start_form": start_form or StartForm(),
        "can_start": job.status in (ImportStatus.VALIDATED, ImportStatus.FAILED) and bool(job.staged)
        and services.can_import(request.user, job.kind),
    }


@login_required
def job(request, pk: int):
    job = selectors.import_job_detail(user=request.user, pk=pk)
    return render(request, "spreadsheets/job.html", _job_context(request, job))


@login_required
@require_POST
def start(request, pk: int):
    job = selectors.import_job_detail(user=request.user, pk=pk)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            job = services.import_start(job_id=job.pk, actor=request.user, mode=form.cleaned_data["mode"])
        except DomainError as error:
            form_error_from_domain(form, error)
        else:
            if tasks.enqueue(tasks.run_import, job):
                messages.success(request, _("已开始导入，可关闭本页，稍后回来查看结果。"))
            return redirect("spreadsheets:job", pk=job.pk)
    job.refresh_from_db()
    return render(request, "spreadsheets/job.html", _job_context(request, job, form), status=400)


@login_required
@require_POST
def accept(request, pk: int):
    """Accept "您是否指" suggestions: the ticked ones, or all of them."""
    job = selectors.import_job_detail(user=request.user, pk=pk)
    ids = None if request.POST.get("all") else [int(i) for i in request.POST.getlist("accept") if i.isdigit()]
    try:
        count = services.import_accept_suggestions(job_id=job.pk, actor=request.user, issue_ids=ids)
    except DomainError as error:
        job.refresh_from_db()
        context = _job_context(request, job)
        context["accept_error"] = error.message
        return render(request, "spreadsheets/job.html", context, status=error.status)
    messages.success(request, _("已接受 %(n)s 条单位名称建议，这些行将按登记的单位导入。") % {"n": count})
    return redirect("spreadsheets:job", pk=job.pk)


@login_required
def status(request, pk: int):
    job = selectors.import_job_detail(user=request.user, pk=pk)
    response = JsonResponse(selectors.job_status(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@chinese
def error_report(request, pk: int):
    job = selectors.import_job_detail(user=request.user, pk=pk)
    return writing.xlsx_response(writing.stamped(_("导入错误报告-%(id)s") % {"id": job.pk}, "xlsx"),
                                 [exports.issue_table(job)])


@login_required
@chinese
def template(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    return writing.template_response(kind)


@login_required
@chinese
def export_ledger(request, fmt: str):
    fmt = _format(fmt)
    try:
        table = exports.ledger_table(user=request.user, params=request.GET)
    except DomainError as error:
        return _refused(request, error)
    audit.record_export(request, f"spreadsheets.ledger.{fmt}", table.count)
    return _respond(fmt, _("隐患台账"), [table])


@login_required
@chinese
def export_hazard(request, pk: int, fmt: str):
    fmt = _format(fmt)
    hazard, tables = exports.hazard_record_tables(user=request.user, pk=pk)
    audit.record_export(request, f"spreadsheets.hazard.{fmt}", 1, hazard=hazard.pk, code=hazard.code)
    return _respond(fmt, _("隐患记录-%(code)s") % {"code": hazard.code}, tables)


@login_required
@chinese
def export_enterprises(request, fmt: str):
    fmt = _format(fmt)
    try:
        table = exports.enterprise_table(user=request.user, params=request.GET)
    except DomainError as error:
        return _refused(request, error)
    audit.record_export(request, f"spreadsheets.enterprises.{fmt}", table.count)
    return _respond(fmt, _("生产经营单位名录"), [table])
