"""What the exports contain. Each starts from the same selector as its page, so jurisdiction and
filters are the page's: the ledger from hazards.selectors.hazard_list, one hazard from
hazard_detail, enterprises from Enterprise.objects.visible_to with the API's FilterSet.

The ledger and the enterprise list use the import columns (columns.py), so what goes out comes
back in; the ledger puts our 隐患编号 in front, which the importer reads as the old code.
"""
from __future__ import annotations

from typing import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.api.filtersets import EnterpriseFilterSet
from accounts.models import Enterprise, Sector, User
from hazards.choices import HazardCategory, HazardLevel, HazardSource, HazardStatus
from hazards.models import Hazard
from hazardtrack.dates import local_today
from hazards.selectors import hazard_detail, hazard_list
from hazardtrack.filters import reject_invalid

from .columns import ENTERPRISE_COLUMNS, HAZARD_COLUMNS, SHEET_TITLES, SYSTEM_CODE_HEADER
from .writing import Table

ITERATOR_CHUNK = 2000
S = HazardStatus
STAGE_STATUSES = {
    "rectified_at": (S.RECTIFICATION_REPORTED, S.VERIFIED, S.SIGNED_OFF),
    "verified_at": (S.VERIFIED, S.SIGNED_OFF),
    "signed_off_at": (S.SIGNED_OFF,),
}


def _local_date(value):
    return timezone.localtime(value).date() if value else None


class _Labels:
    """Choice labels and sector names looked up once per export, not once per cell."""

    def __init__(self):
        self.level = {v: str(label) for v, label in HazardLevel.choices}
        self.category = {v: str(label) for v, label in HazardCategory.choices}
        self.source = {v: str(label) for v, label in HazardSource.choices}
        self.status = {v: str(label) for v, label in HazardStatus.choices}
        self.sector = dict(Sector.objects.values_list("code", "name"))


def hazard_ledger_values(hazard: Hazard, labels: _Labels | None = None) -> list:
    """One ledger row in the import columns' order (see HAZARD_COLUMNS)."""
    labels = labels or _Labels()
    enterprise = hazard.enterprise
    stage = {
        "rectified_at": hazard.rectification_reported_at,
        "verified_at": hazard.verified_at,
        "signed_off_at": hazard.signed_off_at,
    }
    # A completion date is written only where the status says the step happened (a hazard
    # back in rectification after a failed verification keeps an old report date otherwise).
    dates = {k: (_local_date(v) if hazard.status in STAGE_STATUSES[k] else None) for k, v in stage.items()}
    return [
        hazard.original_code, hazard.title, hazard.description,
        enterprise.name if enterprise else "", enterprise.credit_code if enterprise else "",
        hazard.region_id, labels.sector[hazard.sector_id], labels.level[hazard.level], labels.category[hazard.category],
        labels.source[hazard.source], hazard.address, hazard.found_at, labels.status[hazard.status],
        hazard.responsible_unit, hazard.responsible_person, hazard.responsible_phone, hazard.measures,
        hazard.original_deadline, hazard.current_deadline, hazard.funds_planned, hazard.rectification_report,
        hazard.funds_spent, dates["rectified_at"], dates["verified_at"], dates["signed_off_at"],
        hazard.rejection_reason, "",  # 备注 went into the description on import
    ]


LEDGER_EXTRA = (gettext_lazy("区划名称"), gettext_lazy("是否逾期"), gettext_lazy("逾期天数"))


def ledger_table(*, user: User, params) -> Table:
    rows, filterset = hazard_list(user=user, params=params)
    reject_invalid(filterset)
    # The page narrows its rows to the columns it shows (LEDGER_FIELDS); the export writes every
    # column, and a deferred field read per row would be one query per row.
    rows = rows.defer(None)

    def values() -> Iterator[list]:
        labels, today = _Labels(), local_today()
        yes, no = _("是"), _("否")
        for hazard in rows.iterator(chunk_size=ITERATOR_CHUNK):
            overdue = hazard.is_overdue(today)
            yield [hazard.code, *hazard_ledger_values(hazard, labels), hazard.region.name,
                   yes if overdue else no, (today - hazard.current_deadline).days if overdue else None]

    headers = [str(SYSTEM_CODE_HEADER), *(str(c.header) for c in HAZARD_COLUMNS), *(str(h) for h in LEDGER_EXTRA)]
    widths = [24, *(c.width for c in HAZARD_COLUMNS), 14, 10, 10]
    return Table(str(SHEET_TITLES["hazards"]), headers, values(), widths, count=rows.count())


def enterprise_table(*, user: User, params) -> Table:
    queryset = Enterprise.objects.visible_to(user).select_related("region", "sector").order_by("region_id", "name", "id")
    filterset = EnterpriseFilterSet(params or None, queryset=queryset)
    reject_invalid(filterset)
    rows = filterset.qs if filterset.is_bound else queryset

    def values() -> Iterator[list]:
        for e in rows.iterator(chunk_size=ITERATOR_CHUNK):
            yield [e.name, e.credit_code, e.region_id, e.sector.name, e.get_risk_colour_display(), e.address,
                   e.contact_name, e.contact_phone, e.latitude, e.longitude, e.region.name]

    headers = [*(str(c.header) for c in ENTERPRISE_COLUMNS), str(_("区划名称"))]
    return Table(str(SHEET_TITLES["enterprises"]), headers, values(), [c.width for c in ENTERPRISE_COLUMNS] + [14],
                 count=rows.count())


def hazard_record_tables(*, user: User, pk: int) -> tuple[Hazard, list[Table]]:
    """A hazard's full record: its fields, its timeline, extension requests and attachments."""
    hazard = hazard_detail(user=user, pk=pk)
    fields = [(_("隐患编号"), hazard.code)]
    fields += [(str(c.header), v) for c, v in zip(HAZARD_COLUMNS, hazard_ledger_values(hazard))]
    fields += [
        (_("所属区划"), hazard.region.name),
        (_("发现人"), hazard.found_by.display_name if hazard.found_by else ""),
        (_("立行立改"), _("是") if hazard.rectified_on_spot else _("否")),
        (_("跟踪检查员"), hazard.assigned_inspector.display_name if hazard.assigned_inspector else ""),
        (_("复查意见"), hazard.verification_comment),
        (_("挂牌督办"), hazard.get_listing_level_display() if hazard.listing_level else ""),
        (_("督办文号"), hazard.listing_doc_no),
        (_("挂牌日期"), hazard.listing_date),
        (_("整改评估报告"), hazard.assessment_report),
    ]
    plan = getattr(hazard, "plan", None)  # no plan: the reverse accessor raises an AttributeError
    if plan is not None:
        for name in ("goals_and_tasks", "methods_and_measures", "funds_and_materials", "people_in_charge",
                     "time_limits", "safety_and_emergency"):
            fields.append((str(plan._meta.get_field(name).verbose_name), getattr(plan, name)))
    timeline = [
        [e.at, e.get_action_display(), e.actor.display_name if e.actor else _("系统"),
         e.get_from_status_display() if e.from_status else "", e.get_to_status_display() if e.to_status else "",
         e.comment, _changes_text(e.changes), len(e.attachments.all())]
        for e in hazard.events.all()
    ]
    extensions = [
        [x.requested_at, x.previous_deadline, x.requested_deadline, x.reason, x.get_status_display(),
         x.approved_deadline, x.decision_comment]
        for x in hazard.extension_requests.all()
    ]
    attachments = [[a.get_kind_display(), a.original_name, a.uploaded_at, a.size] for a in hazard.attachments.all()]
    return hazard, [
        Table(_("隐患信息"), [_("项目"), _("内容")], [[str(k), v] for k, v in fields], [20, 60]),
        Table(_("办理记录"), [_("时间"), _("操作"), _("操作人"), _("原状态"), _("新状态"), _("说明"), _("变更字段"), _("附件数")],
              timeline, [18, 14, 12, 12, 12, 40, 40, 8]),
        Table(_("延期申请"), [_("申请时间"), _("原期限"), _("申请延期至"), _("延期理由"), _("审批结果"), _("批准延期至"), _("审批意见")],
              extensions, [18, 12, 12, 30, 10, 12, 30]),
        Table(_("照片与材料"), [_("类型"), _("文件名"), _("上传时间"), _("大小（字节）")], attachments, [14, 30, 18, 12]),
    ]


def _changes_text(changes: dict) -> str:
    parts = []
    for name, change in (changes or {}).items():
        if isinstance(change, (list, tuple)) and len(change) == 2:
            parts.append(f"{name}: {change[0]} → {change[1]}")
    return "；".join(parts)


def issue_table(job) -> Table:
    """The error report: every problem found, in row order."""
    rows = ([i.row, i.column, i.value, i.message, i.get_kind_display()]
            for i in job.issues.order_by("row", "id").iterator(chunk_size=ITERATOR_CHUNK))
    return Table(_("错误报告"), [_("行号"), _("列"), _("值"), _("问题"), _("处理")], rows, [8, 18, 24, 60, 14])
