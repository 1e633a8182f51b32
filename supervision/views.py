"""Supervision pages: thin — parse input, call one selector or service, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import audit
from accounts.jurisdiction import region_prefix
from accounts.models import Region
from notices.selectors import is_administrator, policy_region, policy_region_choices
from hazardtrack.errors import DomainError
from hazardtrack.pdf import PdfUnavailable

from . import exports, issuing, permissions, selectors, services
from .choices import PeriodChoice, ReportKind
from .statistics import MAJOR_COLUMNS
from .forms import CircularDraftForm, CircularEditForm, DashboardForm, IssuingBodyForm, SubscriptionForm, VersionForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_statistics(request) -> None:
    if not permissions.may_view_statistics(request.user):
        raise Http404


def _own_regions(user):
    """The user's region and its direct children: what a subscription or circular may name."""
    own = region_prefix(user) or ""
    regions = Region.objects.visible_to(user)
    return regions.filter(Q(code=own) | Q(parent_id=own)) if own else regions.filter(parent__isnull=True)


def _board(request):
    """The dashboard for the request's GET parameters, or the bound form with its errors."""
    params = request.GET.copy()
    params.setdefault("period", PeriodChoice.YEAR_TO_DATE)
    form = DashboardForm(params)
    region = selectors.statistics_region(user=request.user, code=params.get("region"))
    if not form.is_valid():
        return None, form, region
    board = selectors.dashboard(user=request.user, region=region, period=form.period_value(),
                                granularity=form.cleaned_data.get("trend") or None, view_params=form.view_params())
    return board, form, region


@login_required
def dashboard(request):
    board, form, region = _board(request)
    query = request.GET.copy()
    status = 200 if board else 400
    return render(request, "supervision/dashboard.html", {
        "board": board, "form": form, "region": region, "query": query.urlencode(),
        "columns": exports.columns(), "level_columns": exports.columns(MAJOR_COLUMNS),
    }, status=status)


@login_required
def export(request, fmt: str):
    board, form, _region = _board(request)
    if board is None:
        return render(request, "supervision/dashboard.html", {"board": None, "form": form}, status=400)
    if fmt == "xlsx":
        response = HttpResponse(exports.dashboard_xlsx(board), content_type=XLSX)
    elif fmt == "pdf":
        try:
            response = HttpResponse(exports.dashboard_pdf(board), content_type="application/pdf")
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(reverse("supervision:dashboard") + "?" + request.GET.urlencode())
    else:
        raise Http404
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(board, fmt))
    audit.record_export(request, f"supervision.dashboard.{fmt}", board.headline.found,
                        region=board.code, start=board.period.start.isoformat(), end=board.period.end.isoformat())
    return response


# --- reports ---------------------------------------------------------------------------------

@login_required
def reports(request):
    _require_statistics(request)
    regions = list(_own_regions(request.user))
    form = SubscriptionForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_add(user=request.user, kind=form.cleaned_data["kind"],
                                      region_code=form.cleaned_data["region"], by_email=form.cleaned_data["by_email"],
                                      by_webhook=form.cleaned_data["by_webhook"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("已订阅。新的报告生成后会出现在这里，并按您的选择发送。"))
            return redirect("supervision:reports")
    rows = selectors.report_list(user=request.user)[:200]
    return render(request, "supervision/reports.html", {
        "reports": rows, "form": form, "subscriptions": selectors.subscriptions_of(user=request.user),
        "unread": selectors.unread_report_ids(user=request.user), "kinds": ReportKind,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def unsubscribe(request, pk: int):
    _require_statistics(request)
    try:
        services.subscription_remove(user=request.user, subscription_id=pk)
    except DomainError:
        raise Http404
    messages.success(request, _("已取消订阅。"))
    return redirect("supervision:reports")


@login_required
def report_download(request, pk: int, fmt: str):
    report = selectors.report_detail(user=request.user, pk=pk)
    field = {"xlsx": report.xlsx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404
    services.report_mark_read(user=request.user, report=report)
    audit.record_export(request, f"supervision.report.{fmt}", 1, report=report.pk, title=report.title)
    return FileResponse(handle, as_attachment=True, filename=f"{report.title}.{fmt}",
                        content_type=XLSX if fmt == "xlsx" else "application/pdf")


# --- circulars -------------------------------------------------------------------------------

def _domain_error(form, error: DomainError) -> int:
    if error.status == 404:
        raise Http404
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
    return 409 if error.status == 409 else 400


@login_required
def circulars(request):
    _require_statistics(request)
    can_manage = permissions.may_manage_circulars(request.user)
    form = CircularDraftForm(request.POST or None, regions=list(_own_regions(request.user))) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                circular = services.circular_draft(actor=request.user, region_code=form.cleaned_data["region"],
                                                   period_start=form.cleaned_data["period_start"],
                                                   period_end=form.cleaned_data["period_end"],
                                                   title=form.cleaned_data["title"])
            except DomainError as error:
                status = _domain_error(form, error)
            else:
                messages.success(request, _("通报草稿已生成，请审核后发布。"))
                return redirect("supervision:circular", pk=circular.pk)
    return render(request, "supervision/circulars.html", {
        "circulars": selectors.circular_list(user=request.user)[:200], "form": form, "can_manage": can_manage,
        "may_configure": is_administrator(request.user),
    }, status=status)


@login_required
def circular(request, pk: int):
    item = selectors.circular_detail(user=request.user, pk=pk)
    can_manage = permissions.may_manage_circulars(request.user) and not item.is_published
    form = CircularEditForm(request.POST or None, initial={
        "version": item.version, "title": item.title, "introduction": item.introduction,
        "requirements": item.requirements})
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        status = 400
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                services.circular_update(circular_id=item.pk, actor=request.user,
                                         expected_version=data.pop("version"), **data)
            except DomainError as error:
                status = _domain_error(form, error)
            else:
                messages.success(request, _("通报已保存。"))
                return redirect("supervision:circular", pk=item.pk)
    return render(request, "supervision/circular.html", {
        "circular": item, "items": item.items.select_related("hazard"), "form": form, "can_manage": can_manage,
        "issuer": services.circular_issuer(item), "may_configure": is_administrator(request.user),
    }, status=status)


@login_required
@require_POST
def circular_action(request, pk: int, action: str):
    item = selectors.circular_detail(user=request.user, pk=pk)
    actions = {"publish": services.circular_publish, "refresh": services.circular_refresh,
               "delete": services.circular_delete_draft}
    if action not in actions:
        raise Http404
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求缺少版本号，请刷新页面后重试。"))
        return redirect("supervision:circular", pk=item.pk)
    extra = {"confirm_empty": request.POST.get("confirm_empty") == "1"} if action == "publish" else {}
    try:
        actions[action](circular_id=item.pk, actor=request.user, expected_version=form.cleaned_data["version"],
                        **extra)
    except DomainError as error:
        if error.status == 404:
            raise Http404
        messages.error(request, str(error.message))
        return redirect("supervision:circular", pk=item.pk)
    if action == "delete":
        messages.success(request, _("通报草稿已删除。"))
        return redirect("supervision:circulars")
    messages.success(request, _("通报已发布。") if action == "publish" else _("已按最新数据重新生成。"))
    return redirect("supervision:circular", pk=item.pk)


@login_required
def circular_pdf(request, pk: int):
    """A published circular's stored PDF; a draft's preview, laid out now."""
    item = selectors.circular_detail(user=request.user, pk=pk)
    if item.is_published and item.pdf:
        return FileResponse(item.pdf.open("rb"), as_attachment=False, filename=f"{item.doc_no}.pdf",
                            content_type="application/pdf")
    try:
        data = services.circular_pdf(item)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("supervision:circular", pk=item.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="draft.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def issuing_body(request):
    """An administrator's 发文机关 of the circulars of a region of their jurisdiction (`?region=`,
    else their own; 404 outside it)."""
    if not is_administrator(request.user):
        raise PermissionDenied
    region = policy_region(user=request.user, code=request.GET.get("region"))
    current = issuing.issuer_of(region) if region else None
    form = None
    if region is not None:
        form = IssuingBodyForm(request.POST or None, initial=current.as_dict())
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                changes = issuing.issuing_body_save(actor=request.user, region=region, values=form.cleaned_data)
            except DomainError as error:
                if error.status == 404:
                    raise Http404
                form.add_error(None, str(error.message))
            else:
                if changes:
                    messages.success(request, _("%(region)s的发文机关已保存，此后发布的通报使用新的设置。")
                                     % {"region": region.name})
                else:
                    messages.info(request, _("发文机关没有变化。"))
                return redirect(f"{reverse('supervision:issuing-body')}?{urlencode({'region': region.code})}")
    return render(request, "supervision/issuing_body.html", {
        "region": region, "current": current, "form": form,
        "regions": policy_region_choices(user=request.user, selected=region),
    }, status=400 if request.method == "POST" else 200)
