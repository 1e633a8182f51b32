"""The issuing body (发文机关) of a region's circulars: what applies (the region's own settings or
defaults derived from its name) and the administrators' service that changes it, audited."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.jurisdiction import region_in_jurisdiction
from accounts.models import Region, User
from audit.choices import AuditAction
from audit.services import record
from hazardtrack.errors import DomainError
from notices.selectors import is_administrator

from .models import IssuingBody

FIELDS = ("full_name", "short_name", "main_to", "copy_to")


@dataclass(frozen=True)
class Issuer:
    full_name: str
    short_name: str
    main_to: str
    copy_to: str
    own: bool = False  # the region's own settings, not the defaults

    def as_dict(self) -> dict:
        return {name: value for name, value in asdict(self).items() if name in FIELDS}


def default_issuer(region: Region) -> Issuer:
    """Work-safety circulars are issued by the 安委会办公室 of the region; they go to the offices
    one level down and the committee's member units, and a copy to the office one level up."""
    below = {RegionLevel.PROVINCE: "各市州", RegionLevel.CITY: "各县市区",
             RegionLevel.COUNTY: "各乡镇（街道）"}.get(region.level, "各有关单位")
    unit = {RegionLevel.PROVINCE: "省", RegionLevel.CITY: "市", RegionLevel.COUNTY: "县"}.get(region.level, "")
    main_to = f"{below}安委会办公室，{unit}安委会各成员单位" if unit else "各有关单位"
    parent = region.parent
    return Issuer(full_name=f"{region.name}安全生产委员会办公室", short_name=f"{region.name}安委办",
                  main_to=main_to, copy_to=f"{parent.name}安全生产委员会办公室" if parent else "")


def issuer_of(region: Region) -> Issuer:
    own = IssuingBody.objects.filter(region=region).first()
    if own is None:
        return default_issuer(region)
    return Issuer(**{name: getattr(own, name) for name in FIELDS}, own=True)


def issuing_body_save(*, actor: User, region: Region, values: dict[str, str]) -> dict:
    """Give `region` its own issuing body or change it; returns what changed ({field: [before,
    after]}). Only administrators, only in their jurisdiction. Published circulars keep the
    issuer they were published with."""
    if not is_administrator(actor):
        raise DomainError("not_administrator", _("只有管理员可以设置发文机关。"), status=403)
    if not region_in_jurisdiction(actor, region.code):
        raise DomainError("out_of_jurisdiction", _("所选区划不在您的辖区内。"), status=404)
    values = {name: (values.get(name) or "").strip() for name in FIELDS}
    with transaction.atomic():
        body = IssuingBody.objects.select_for_update().filter(region=region).first()
        before = {name: getattr(body, name) if body else None for name in FIELDS}
        changes = {name: [before[name], value] for name, value in values.items() if before[name] != value}
        if not changes:
            return changes
        body = body or IssuingBody(region=region)
        for name, value in values.items():
            setattr(body, name, value)
        body.full_clean(validate_unique=False)
        body.save()
        # Like the escalation rules (notices.services), a setting that decides what an official
        # document says is recorded with the permission changes: there is no dedicated action.
        record(AuditAction.PERMISSION_CHANGE, actor=actor,
               target=f"supervision.issuingbody:{region.code} {region.name}",
               detail={"issuing_body": region.code, "created": before["full_name"] is None, "changes": changes})
    return changes
