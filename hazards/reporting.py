"""Reporting a hazard through the duplicate gate (issue 19): the page and the API report
through here; tip-off acceptance uses its refusal and link checks. Before a report is saved,
open hazards of the same enterprise that look the same (duplicates.py) are put to the
reporter, who either links the report as the same hazard or goes on and reports a new one.

A report linked as the same is kept (its photos and reporter are evidence) but born rejected
as a duplicate (不予认定：重复上报) and pointing at the open hazard: statistics leave
rejected hazards out, so the hazard is counted once. Both timelines record the link.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.jurisdiction import get_visible_or_404
from accounts.models import User
from hazardtrack.errors import DomainError

from . import services
from .choices import OPEN_STATUSES, EventAction, HazardStatus
from .duplicates import Candidate, duplicate_candidates
from .models import Hazard


class PossibleDuplicates(DomainError):
    """Refusal to save yet: these open hazards may be the same one."""

    def __init__(self, candidates: list[Candidate]):
        super().__init__(
            "possible_duplicates",
            _("该单位已有 %(n)d 条相似的未办结隐患。若是同一隐患，请关联（duplicate_of）；若不是，请确认后继续上报"
              "（not_duplicate）。") % {"n": len(candidates)},
            status=409, field="duplicate_of",
            extra={"candidates": [candidate_json(c) for c in candidates]},
        )
        self.candidates = candidates


def candidate_json(candidate: Candidate) -> dict:
    h = candidate.hazard
    return {"id": h.pk, "code": h.code, "title": h.title, "status": h.status, "level": h.level,
            "found_at": h.found_at.isoformat(), "similarity": round(candidate.score, 2)}


def _enterprise_of(actor: User, data: dict):
    return actor.enterprise if actor.role == Role.ENTERPRISE else data.get("enterprise")


def hazard_report(*, actor: User, data: dict, duplicate_of: int | None = None, not_duplicate: bool = False,
                  **create_kwargs) -> Hazard:
    """上报 with the duplicate gate: link as the same (`duplicate_of`), go on (`not_duplicate`),
    or be refused with the candidates when there are any."""
    if duplicate_of:
        return hazard_link_duplicate(actor=actor, data=data, duplicate_of=duplicate_of,
                                     before_photos=create_kwargs.get("before_photos") or ())
    if not not_duplicate:
        candidates = duplicate_candidates(user=actor, enterprise=_enterprise_of(actor, data),
                                          title=data.get("title") or "", description=data.get("description") or "")
        if candidates:
            raise PossibleDuplicates(candidates)
    return services.hazard_create(actor=actor, data=data, **create_kwargs)


def hazard_to_link(*, actor: User, duplicate_of, enterprise) -> Hazard:
    """The open hazard of `enterprise` a report (or a tip-off) is linked to as the same, locked;
    inside the caller's transaction. Refusals name the field `duplicate_of`."""
    try:
        original = get_visible_or_404(Hazard.objects.select_for_update(), actor, pk=int(duplicate_of))
    except (TypeError, ValueError):
        raise DomainError("duplicate_not_found", _("要关联的隐患不存在。"), status=400, field="duplicate_of")
    if original.status not in OPEN_STATUSES:
        raise DomainError("duplicate_closed",
                          _("隐患 %(code)s %(status)s，不能关联为同一隐患；请作为新隐患上报。")
                          % {"code": original.code, "status": original.get_status_display()},
                          status=400, field="duplicate_of")
    if enterprise is None or enterprise.pk != original.enterprise_id:
        raise DomainError("duplicate_other_enterprise",
                          _("隐患 %(code)s 不属于所填单位，只能关联同一单位的隐患。") % {"code": original.code},
                          status=400, field="duplicate_of")
    return original


def hazard_link_duplicate(*, actor: User, data: dict, duplicate_of: int, before_photos=()) -> Hazard:
    """Report this as the same hazard as the open `duplicate_of` of the same enterprise."""
    with transaction.atomic():
        original = hazard_to_link(actor=actor, duplicate_of=duplicate_of, enterprise=_enterprise_of(actor, data))
        hazard = services.hazard_create(actor=actor, data=data, before_photos=before_photos)
        hazard.status = HazardStatus.REJECTED
        hazard.duplicate_of = original
        hazard.rejection_reason = _("重复上报：与隐患 %(code)s 为同一隐患。") % {"code": original.code}
        hazard.confirmed_by, hazard.confirmed_at = actor, timezone.now()
        hazard.version += 1
        hazard.save()
        services.record_event(hazard, actor=actor, action=EventAction.DUPLICATE_LINKED,
                              from_status=HazardStatus.REPORTED, comment=hazard.rejection_reason,
                              changes={"duplicate_of": original.code})
        services.record_event(original, actor=actor, action=EventAction.DUPLICATE_LINKED, from_status=original.status,
                              comment=_("同一隐患再次上报（%(code)s）：%(title)s") % {"code": hazard.code,
                                                                           "title": hazard.title},
                              changes={"duplicate": hazard.code})
    return hazard
