"""The two documents of an inspection: 现场检查记录 and 责令限期整改指令书.

A document is numbered per issuer and year (accounts.numbering) and its content is frozen as a
JSON snapshot when issued; the PDF is laid out from the snapshot (hazardtrack.pdf), so it
reads the same whenever it is downloaded.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import Region, User
from hazardtrack.pdf import render_pdf

from .choices import DOCUMENT_NO_WORD, DocumentKind, ItemResult

# Short forms used in document numbers (邵新应急检记〔2026〕12号).
DEPARTMENT_SHORT = {
    "应急管理局": "应急", "消防救援大队": "消防", "消防救援支队": "消防", "住房和城乡建设局": "住建",
    "交通运输局": "交通", "市场监督管理局": "市监",
}
TEMPLATES = {DocumentKind.RECORD: "inspections/pdf/record.html", DocumentKind.ORDER: "inspections/pdf/order.html"}


@dataclass(frozen=True)
class Issuer:
    key: str  # the numbering series' issuer: "dept-<id>" or the county code
    name: str  # 新邵县应急管理局
    prefix: str  # 邵新应急


def _place_prefix(region_code: str) -> str:
    """First character of the city and of the county: 邵阳市新邵县 → 邵新."""
    codes = [region_code[:n] for n in (4, 6) if len(region_code) >= n]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return "".join(names.get(code, "")[:1] for code in codes)


def issuer_for(actor: User, inspection) -> Issuer:
    department = actor.department if actor.department_id else None
    if department is not None:
        short = DEPARTMENT_SHORT.get(department.name, department.name[:2])
        return Issuer(key=f"dept-{department.pk}", name=f"{department.region.name}{department.name}",
                      prefix=_place_prefix(department.region_id) + short)
    county = inspection.region_id[:6]
    region = Region.objects.filter(code=county).first()
    return Issuer(key=county, name=_("%(region)s安全生产监督管理部门") % {"region": region.name if region else county},
                  prefix=_place_prefix(county) + _("安监"))


def document_number(issuer: Issuer, *, kind: str, year: int, number: int) -> str:
    return f"{issuer.prefix}{DOCUMENT_NO_WORD[kind]}〔{year}〕{number}号"


def _hazard_row(hazard, *, deadline: datetime.date | None) -> dict:
    item = hazard.inspection_result.item
    measures = hazard.measures or (_("依据%(basis)s的规定，立即采取措施消除事故隐患。") % {"basis": item.basis}
                                   if item.basis else _("立即采取措施消除事故隐患。"))
    due = hazard.current_deadline or deadline
    return {
        "code": hazard.code, "title": hazard.title, "level": hazard.get_level_display(), "major": hazard.is_major,
        "description": hazard.description, "basis": item.basis, "measures": measures,
        "deadline": due.isoformat() if due else "", "on_spot": hazard.rectified_on_spot,
    }


def snapshot(*, kind: str, inspection, hazards: list, open_hazards: list, issuer: Issuer, doc_no: str,
             issue_date: datetime.date, deadline: datetime.date | None) -> dict:
    enterprise = inspection.enterprise
    inspectors = list(inspection.inspectors.order_by("id"))
    content = {
        "doc_no": doc_no,
        "title": str(DocumentKind(kind).label),
        "issuer": issuer.name,
        "issue_date": issue_date.isoformat(),
        "enterprise": {
            "name": enterprise.name, "credit_code": enterprise.credit_code, "address": enterprise.address,
            "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
        },
        "inspection": {
            "id": inspection.pk, "type": inspection.get_type_display(), "date": inspection.date.isoformat(),
            "checklist": f"{inspection.template_version.template.name}（{_('第%(n)d版') % {'n': inspection.template_version.number}}）",
            "conclusion": inspection.conclusion,
            "inspectors": [u.display_name for u in inspectors],
        },
    }
    if kind == DocumentKind.RECORD:
        counts = inspection.results.aggregate(
            total=Count("id"), passed=Count("id", filter=Q(result=ItemResult.PASS)),
            failed=Count("id", filter=Q(result=ItemResult.FAIL)),
            not_applicable=Count("id", filter=Q(result=ItemResult.NOT_APPLICABLE)),
        )
        content["counts"] = counts
        content["findings"] = [_hazard_row(h, deadline=None) for h in hazards]
    else:
        content["deadline"] = deadline.isoformat()
        content["hazards"] = [_hazard_row(h, deadline=deadline) for h in open_hazards]
    return content


def render(document) -> bytes:
    """The PDF of an issued document (raises hazardtrack.pdf.PdfUnavailable where it cannot)."""
    return render_pdf(TEMPLATES[document.kind], {"doc": document.content, "document": document})
