"""Tags for the includes other apps' pages use (inbox, hazard detail) and for the timeline."""
from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..choices import IncidentGrade, LeadAuthority, ReportLevel
from ..models import Incident, Investigation

register = template.Library()

_LABELS = {
    **{f.name: f.verbose_name for f in Incident._meta.concrete_fields},
    **{f.name: f.verbose_name for f in Investigation._meta.concrete_fields},
    "step": _("报告"), "hazard": _("隐患"), "listing": _("挂牌督办"), "met": _("按时报告"),
}
_VALUE_LABELS = {"grade": IncidentGrade, "lead_authority": LeadAuthority, "step": ReportLevel}


# Bookkeeping of a report step, shown by the clock itself rather than in the timeline.
_HIDDEN = {"due_at", "reported_at"}


def _show(name: str, value):
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:  # an ISO timestamp from the audit record: local time, to the minute
            return timezone.localtime(datetime.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
    enum = _VALUE_LABELS.get(name)
    if enum is not None and isinstance(value, str) and value in enum.values:
        return enum(value).label
    if enum is not None and isinstance(value, list):
        return " → ".join(str(_show(name, v)) for v in value)
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    return value


@register.simple_tag
def change_lines(event) -> list[tuple]:
    """An event's {field: [before, after]} as (label, before, after) lines."""
    lines = []
    for name, pair in (event.changes or {}).items():
        if name in _HIDDEN:
            continue
        if isinstance(pair, list) and len(pair) == 2 and name != "step":
            lines.append((_LABELS.get(name, name), _show(name, pair[0]), _show(name, pair[1])))
        else:
            lines.append((_LABELS.get(name, name), None, _show(name, pair)))
    return lines


@register.simple_tag
def incident_inbox(user):
    """The user's latest incident notices for the inbox page (one query)."""
    return list(selectors.notices_for(user=user, limit=20))


@register.simple_tag
def hazard_incidents(hazard, user):
    """Incidents a hazard was found in the follow-up of, among those the user may see."""
    return list(Incident.objects.visible_to(user).filter(hazard_links__hazard=hazard).only("id", "code", "title"))


@register.filter
def duration_hm(value) -> str:
    """A timedelta as "3小时05分" (or "2天3小时")."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s天%(h)s小时") % {"d": days, "h": hours}
    return _("%(h)s小时%(m)02d分") % {"h": hours, "m": minutes}


@register.filter
def get_pair(mapping, key):
    """mapping[key] in a template (figures by name, breakdowns by dimension)."""
    return mapping.get(key) if mapping else None
