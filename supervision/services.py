"""Services of the supervision app: reports (generate, archive, deliver), subscriptions and
circulars (draft, edit, regenerate, publish). State changes only; figures come from
supervision.statistics through supervision.selectors."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.jurisdiction import get_visible_or_404, region_in_jurisdiction
from accounts.models import Region, User
from accounts.numbering import next_document_number
from hazards.choices import RECTIFIED_STATUSES
from hazards.ladder import deadline_days
from hazardtrack.dates import local_today
from hazardtrack.errors import DomainError
from hazardtrack.formats import document_date
from hazardtrack.outbox import Channel, DrainReport, Outbox, drain
from hazardtrack.pdf import PdfUnavailable, render_pdf
from notices import channels
from notices.models import Notice, WebhookEndpoint

from . import statistics as stats
from .choices import CircularStatus, ReportKind
from .exports import dashboard_xlsx, report_pdf
from .issuing import issuer_of
from .report_prose import report_prose
from .models import Circular, CircularItem, Report, ReportDelivery, Subscription
from .permissions import may_manage_circulars, may_view_statistics
from .selectors import dashboard


CIRCULAR_LAGGARDS = 3  # the lowest-ranked regions a circular names
CIRCULAR_KIND = "circular"  # accounts.numbering series: one per issuing region and year


# --- reports ---------------------------------------------------------------------------------

def _region_reader(region: Region) -> User:
    """An unsaved user whose jurisdiction is exactly `region`: a report shows the region as its
    own supervisors see it, through the same visible_to() as every page."""
    return User(username=f"report-{region.code}", role=Role.SUPERVISOR, region=region, is_active=True)


def report_title(kind: str, region: Region, period: stats.Period) -> str:
    return _("%(region)s隐患排查治理%(kind)s（%(period)s）") % {
        "region": region.name, "kind": ReportKind(kind).label, "period": str(period)}


def report_issuer(region: Region) -> str:
    """The body a report is issued in the name of: the same issuing body as the region's
    circulars (its configured one, else its 安全生产委员会办公室)."""
    return issuer_of(region).full_name


def report_generate(*, kind: str, region: Region, today: datetime.date | None = None) -> Report:
    """The report of `region` for the last complete day, week or month before `today`; archived
    once (a second call returns the archived one) and delivered to the region's subscribers."""
    today = today or local_today()
    kind = ReportKind(kind)
    period = stats.previous_period(kind.value, today)
    existing = Report.objects.filter(kind=kind, region=region, period_start=period.start).first()
    if existing:
        return existing
    # A report is an office document: Chinese whatever language the caller (a page, a task) runs
    # in — also the table labels, which the dashboard translates as it builds its rows.
    with translation.override(settings.LANGUAGE_CODE):
        board = dashboard(user=_region_reader(region), region=region, period=period, today=today)
        title = report_title(kind, region, period)
        prose = report_prose(board)
        xlsx = dashboard_xlsx(board)
        try:
            pdf = report_pdf(board, title=title, prose=prose, issuer=report_issuer(region), issued_on=today)
        except PdfUnavailable:
            pdf = None  # the Excel file is the report; the PDF is a convenience
    headline = board.headline
    figures = {"found": headline.found, "rectified": headline.rectified, "signed_off": headline.signed_off,
               "overdue": headline.overdue, "sign_off_rate": headline.sign_off_rate,
               "rectification_rate": headline.rectification_rate}
    stem = f"{kind.value}-{region.code}-{period.start:%Y%m%d}"
    try:
        with transaction.atomic():
            report = Report(kind=kind, region=region, period_start=period.start, period_end=period.end, title=title,
                            figures=figures)
            report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            if pdf:
                report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            report.save()
            _queue_deliveries(report)
    except IntegrityError:
        # A concurrent run archived the same report first: the unique key decides, theirs stands.
        return Report.objects.get(kind=kind, region=region, period_start=period.start)
    return report


def _queue_deliveries(report: Report) -> int:
    """For each subscriber who still has the region in their jurisdiction: an in-app copy
    (delivered by being written; the bell and the inbox show it) and, if asked for, an email.
    If any of them asked for the group robot: one post to each of the region's robots."""
    now = timezone.now()
    rows, robot_asked = [], False
    subscriptions = Subscription.objects.filter(kind=report.kind, region=report.region, user__is_active=True
                                                ).select_related("user")
    for subscription in subscriptions:
        user = subscription.user
        if not may_view_statistics(user) or not region_in_jurisdiction(user, report.region_id):
            continue
        rows.append(ReportDelivery.delivered(report=report, recipient=user, now=now))
        if subscription.by_email and user.email:
            rows.append(ReportDelivery.queued(report=report, recipient=user, channel=Channel.EMAIL, now=now))
        robot_asked = robot_asked or subscription.by_webhook
    if robot_asked:
        rows += [ReportDelivery.queued(report=report, endpoint=endpoint, channel=Channel.WEBHOOK, now=now)
                 for endpoint in report_robots(region_code=report.region_id).only("id")]
    # ignore_conflicts: the unique keys (report, recipient, channel) and (report, endpoint) decide.
    ReportDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def report_robots(*, region_code: str) -> QuerySet[WebhookEndpoint]:
    """The group robots a region's reports are posted to: the enabled robots configured for
    exactly that region, its own office's work group (as incident notices do) — a parent
    region's group is not sent every child region's reports."""
    return WebhookEndpoint.objects.filter(enabled=True, region_id=region_code)


def subscription_check_robot(*, region_code: str) -> None:
    """The robot channel needs a robot: refused, on the form's field, when the region has none."""
    if not report_robots(region_code=region_code).exists():
        raise DomainError("no_robot", _("所选区划尚未配置群机器人，不能推送到工作群。请联系管理员在“群机器人”中添加后再订阅。"),
                          status=400, field="by_webhook")


def reports_generate_due(*, kind: str, today: datetime.date | None = None) -> list[Report]:
    """The beat task's work: this period's report for every region someone subscribes to."""
    region_codes = Subscription.objects.filter(kind=kind).values_list("region_id", flat=True).distinct()
    regions = Region.objects.filter(code__in=list(region_codes)).order_by("code")
    return [report_generate(kind=kind, region=region, today=today) for region in regions]


def _report_message(rows: list[ReportDelivery]) -> channels.Message:
    [row] = rows  # one message per row
    if row.channel == Channel.WEBHOOK:
        # A group chat has no language of its own: the site's (the report's title is Chinese too).
        with translation.override(settings.LANGUAGE_CODE):
            return report_message(row.report)
    return report_message(row.report)


REPORT_OUTBOX = Outbox(model=ReportDelivery, message=_report_message, related=("report__region", "recipient", "endpoint"))


def report_deliveries_send(*, batch_size: int = 200) -> DrainReport:
    """Send the due email and group-robot copies through the platform's one drain (the robot
    post signed as the endpoint asks); every outcome recorded on its row, failures retried with
    backoff until NOTICES_MAX_ATTEMPTS, then kept as failed."""
    return drain(REPORT_OUTBOX, batch_size=batch_size)


def report_message(report: Report) -> channels.Message:
    context = {"report": report, "figures": report.figures,
               "url": settings.SITE_URL + reverse("supervision:report-download", args=[report.pk, "xlsx"])}
    return channels.Message(
        subject=report.title[:200],
        text=render_to_string("supervision/messages/report.txt", context),
        markdown=render_to_string("supervision/messages/report.md", context),
    )


def report_mark_read(*, user: User, report: Report) -> int:
    """The reader opened the report (from the reports page or the inbox): their in-app copy is
    read, on both."""
    return ReportDelivery.objects.inbox_of(user).unread().filter(report=report).update(read_at=timezone.now())


def report_inbox_mark_all_read(*, user: User) -> int:
    """The inbox's "全部标为已读" for the report copies (the reports page's unread marks go too)."""
    return ReportDelivery.objects.inbox_of(user).unread().update(read_at=timezone.now())


# --- subscriptions ---------------------------------------------------------------------------

def subscription_add(*, user: User, kind: str, region_code: str, by_email: bool = False,
                     by_webhook: bool = False) -> Subscription:
    if not may_view_statistics(user):
        raise DomainError("not_allowed", _("您的角色不能订阅统计报告。"), status=403)
    if kind not in ReportKind.values:
        raise DomainError("bad_kind", _("请选择报告类型。"), status=400, field="kind")
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or not region_in_jurisdiction(user, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=400, field="region")
    if by_email and not user.email:
        raise DomainError("no_email", _("您的账号没有登记电子邮箱，不能通过邮件接收。"), status=400, field="by_email")
    if by_webhook:
        subscription_check_robot(region_code=region.code)
    channels_chosen = {"by_email": bool(by_email), "by_webhook": bool(by_webhook)}
    subscription, created = Subscription.objects.get_or_create(user=user, kind=kind, region=region,
                                                               defaults=channels_chosen)
    changed = [name for name, value in channels_chosen.items() if getattr(subscription, name) != value]
    if not created and changed:
        for name in changed:
            setattr(subscription, name, channels_chosen[name])
        subscription.save(update_fields=changed)
    return subscription


def subscription_remove(*, user: User, subscription_id: int) -> None:
    deleted, _rows = Subscription.objects.filter(user=user, pk=subscription_id).delete()
    if not deleted:
        raise DomainError("not_found", _("订阅不存在。"), status=404)


# --- circulars -------------------------------------------------------------------------------

def _check_manager(actor: User) -> None:
    if not may_manage_circulars(actor):
        raise DomainError("role_not_allowed", _("只有审核督办人员可以起草和发布通报。"), status=403)


def _refuse_if_published(circular: Circular) -> None:
    if circular.status == CircularStatus.PUBLISHED:
        raise DomainError("circular_published", _("通报 %(no)s 已发布，不能再修改。") % {"no": circular.doc_no})


def _check_version(circular: Circular, expected_version) -> None:
    if expected_version is None or int(expected_version) != circular.version:
        raise DomainError("stale_version", _("该通报已被他人修改，请刷新后重试；您填写的内容已保留。"))


def _locked(actor: User, circular_id: int) -> Circular:
    return get_visible_or_404(Circular.objects.select_for_update(), actor, pk=circular_id)


def _period_bounds(period: stats.Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and past-the-last instants in local time (rectification times are instants)."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def _fill(circular: Circular, actor: User, today: datetime.date) -> None:
    """(Re)build a draft's contents (通报制): every hazard at level 3 at the end of the period —
    escalated in it or before it, for the deadline still in force, and not rectified by its end —
    plus those that were at level 3 and were rectified during the period (marked with the day);
    and the lowest-ranked child regions by 销号率 over the hazards found in the period."""
    period = stats.Period(circular.period_start, circular.period_end)
    starts, ends = _period_bounds(period)
    rectified = Q(hazard__status__in=RECTIFIED_STATUSES)
    notices = (Notice.objects.visible_to(actor)
               .filter(level=3, as_of__lte=period.end, deadline=F("hazard__current_deadline"),
                       hazard__region__code__startswith=circular.region_id)
               .annotate(rectified_at=Coalesce("hazard__verified_at", "hazard__signed_off_at"))
               # rectified before the period began: no longer a matter for this circular
               .filter(~rectified | Q(rectified_at__isnull=True) | Q(rectified_at__gte=starts))
               .select_related("hazard__region", "hazard__enterprise").order_by("as_of", "hazard_id"))
    notices = list(notices)
    clocks = deadline_days({n.hazard_id for n in notices}, as_of=today)  # in the region's days, one query
    items, seen = [], set()
    for notice in notices:
        hazard = notice.hazard
        if hazard.pk in seen:
            continue  # one hazard is named once
        seen.add(hazard.pk)
        at = notice.rectified_at if hazard.status in RECTIFIED_STATUSES else None
        rectified_on = timezone.localdate(at) if at is not None and at < ends else None
        overdue_days = (clocks[hazard.pk].days_overdue if hazard.is_overdue(today) and hazard.pk in clocks
                        else notice.overdue_days)
        items.append(CircularItem(
            circular=circular, hazard=hazard, position=len(items) + 1, code=hazard.code, title=hazard.title,
            enterprise_name=hazard.enterprise.name if hazard.enterprise else "", region_name=hazard.region.name,
            level=hazard.get_level_display(), deadline=notice.deadline, level3_on=notice.as_of,
            overdue_days=overdue_days, status=hazard.get_status_display(), rectified_on=rectified_on,
        ))
    circular.items.all().delete()
    CircularItem.objects.bulk_create(items)

    board = dashboard(user=actor, region=circular.region, period=period, today=today)
    ranked = [row for row in board.ranking if row.rank is not None]
    circular.laggards = [{
        "code": row.code, "name": row.label, "rank": row.rank, "of": len(ranked), "found": row.figures.found,
        "signed_off": row.figures.signed_off, "sign_off_rate": row.figures.sign_off_rate,
        "overdue": row.figures.overdue,
    } for row in ranked[-CIRCULAR_LAGGARDS:][::-1]] if len(ranked) > 1 else []


def circular_draft(*, actor: User, region_code: str, period_start: datetime.date, period_end: datetime.date,
                   title: str = "", today: datetime.date | None = None) -> Circular:
    _check_manager(actor)
    if not period_start or not period_end or period_start > period_end:
        raise DomainError("bad_period", _("通报期的开始日期不能晚于结束日期。"), status=400, field="period_end")
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=400, field="region")
    today = today or local_today()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):  # the circular's text is Chinese
        circular = Circular.objects.create(
            region=region, period_start=period_start, period_end=period_end, year=period_end.year,
            created_by=actor,
            title=(title or "").strip() or _("关于%(start)s至%(end)s隐患排查治理逾期情况的通报") % {
                "start": document_date(period_start), "end": document_date(period_end)},
            introduction=_("现将%(region)s辖区内逾期未整改、已升级至三级督办的事故隐患及隐患销号率排名靠后的地区通报如下。")
            % {"region": region.name},
            requirements=_("请被通报地区和单位认真分析原因，落实整改责任，限期完成整改并销号，整改情况按时报送。"),
        )
        _fill(circular, actor, today)
        circular.save(update_fields=["laggards"])
    return circular


def circular_update(*, circular_id: int, actor: User, expected_version, title: str, introduction: str,
                    requirements: str) -> Circular:
    """The reviewer edits a draft's text. Published circulars are immutable."""
    _check_manager(actor)
    if not (title or "").strip():
        raise DomainError("title_required", _("请填写通报标题。"), status=400, field="title")
    with transaction.atomic():
        circular = _locked(actor, circular_id)
        _refuse_if_published(circular)
        _check_version(circular, expected_version)
        circular.title, circular.introduction = title.strip(), (introduction or "").strip()
        circular.requirements = (requirements or "").strip()
        circular.version += 1
        circular.save()
    return circular


def circular_refresh(*, circular_id: int, actor: User, expected_version, today: datetime.date | None = None) -> Circular:
    """Rebuild a draft's hazards and ranking from the current data."""
    _check_manager(actor)
    with transaction.atomic():
        circular = _locked(actor, circular_id)
        _refuse_if_published(circular)
        _check_version(circular, expected_version)
        _fill(circular, actor, today or local_today())
        circular.version += 1
        circular.save()
    return circular


def circular_issuer(circular: Circular) -> dict:
    """The issuing body a circular is headed with: frozen at publication, the current one for a draft."""
    return circular.issuer or issuer_of(circular.region).as_dict()


def circular_pdf(circular: Circular) -> bytes:
    items = list(circular.items.all())
    printed = timezone.localdate(circular.published_at) if circular.published_at else local_today()
    with translation.override(settings.LANGUAGE_CODE):  # an official document is Chinese whoever previews it
        return render_pdf("supervision/pdf/circular.html", {"circular": circular, "items": items,
                                                             "issuer": circular_issuer(circular), "printed": printed})


def circular_publish(*, circular_id: int, actor: User, expected_version, confirm_empty: bool = False) -> Circular:
    """发布: the document number is taken now (numbers have no gaps from discarded drafts), the
    PDF is laid out and stored, and the circular is frozen. A circular naming no hazard is
    published only when the reviewer confirms that this is really the case."""
    _check_manager(actor)
    with transaction.atomic():
        circular = _locked(actor, circular_id)
        _refuse_if_published(circular)
        _check_version(circular, expected_version)
        if not confirm_empty and not circular.items.exists():
            raise DomainError("circular_empty", _("本通报未列出任何三级督办隐患。如确无应通报的隐患，请勾选“确认发布空通报”后再发布。"),
                              status=409, field="confirm_empty")
        circular.number = next_document_number(kind=CIRCULAR_KIND, issuer=circular.region_id, year=circular.year)
        circular.issuer = issuer_of(circular.region).as_dict()
        with translation.override(settings.LANGUAGE_CODE):  # the document number is Chinese
            # GB/T 9704-2012 发文字号: 机关代字〔年份〕序号号, the sequence without zero padding.
            circular.doc_no = _("%(short)s〔%(year)s〕%(n)s号") % {
                "short": circular.issuer["short_name"], "year": circular.year, "n": circular.number}
        circular.status = CircularStatus.PUBLISHED
        circular.published_by, circular.published_at = actor, timezone.now()
        try:
            pdf = circular_pdf(circular)
        except PdfUnavailable as exc:
            raise DomainError("pdf_unavailable", str(exc), status=503)
        circular.pdf.save(f"circular-{circular.region_id}-{circular.year}-{circular.number:03d}.pdf",
                          ContentFile(pdf), save=False)
        circular.version += 1
        circular.save()
    return circular


def circular_delete_draft(*, circular_id: int, actor: User, expected_version) -> None:
    _check_manager(actor)
    with transaction.atomic():
        circular = _locked(actor, circular_id)
        _refuse_if_published(circular)
        _check_version(circular, expected_version)
        circular.delete()
