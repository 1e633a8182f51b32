"""The rows of a hazard table (台账, an enterprise's page) as HTML, built in Python.

Fifty template includes cost ~1 ms each (the engine resolves every `{{ }}` through the context
stack); this builds the same markup from the already-fetched rows in a fraction of that.
Everything shown is escaped here: titles and enterprise names are user input. The rows must
have what hazards/selectors.py LEDGER_FIELDS fetches and, for the days left / overdue, the
clocks of hazards/ladder.py `attach_deadline_days` (without them an overdue row asks its own).
"""
from __future__ import annotations

from typing import Iterable

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy

from hazardtrack.dates import local_today
from hazardtrack.url_patterns import id_pattern

from .choices import HazardLevel, HazardStatus

# The ledger's columns: key, header, the ordering parameter that sorts by it (HazardFilterSet
# `ordering`), and the direction of the first click (dates and overdue days: newest/most first).
# The header of a column is also its cells' data-label (phones show rows as cards).
LEDGER_COLUMNS = (
    ("code", gettext_lazy("编号"), "code", ""), ("title", gettext_lazy("隐患名称"), "title", ""),
    ("enterprise", gettext_lazy("单位"), "enterprise", ""), ("region", gettext_lazy("区划"), "region", ""),
    ("sector", gettext_lazy("行业"), "sector", ""), ("level", gettext_lazy("等级"), "level", "-"),
    ("status", gettext_lazy("状态"), "status", ""), ("found", gettext_lazy("发现日期"), "found_at", "-"),
    ("deadline", gettext_lazy("整改期限"), "deadline", ""), ("overdue_days", gettext_lazy("逾期天数"), "overdue_days", "-"),
)
ROW_LABELS = {
    **{key: label for key, label, _param, _first in LEDGER_COLUMNS},
    "on_spot": gettext_lazy("立行立改"), "overdue": gettext_lazy("逾期"), "days": gettext_lazy("天"),
    "workdays": gettext_lazy("个工作日"),
}
_NONE = "—"


def _escaped_labels(labels) -> dict[str, str]:
    """Each lazy label translated (str) and escaped once: `escape` of a lazy string is lazy
    again, and would be translated anew in every row's f-string."""
    return {key: escape(str(label)) for key, label in labels}


def hazard_rows_html(hazards: Iterable) -> SafeString:
    """The <tr> of each hazard, in order; labels translated once for the page."""
    labels = _escaped_labels(ROW_LABELS.items())
    # What get_level_display / get_status_display show (the stored value when it has no label),
    # looked up per row instead of rebuilding the field's choices dict and translating each time.
    labels["levels"], labels["statuses"] = _escaped_labels(HazardLevel.choices), _escaped_labels(HazardStatus.choices)
    today = local_today()
    detail = id_pattern(lambda pk: reverse("hazards:detail", args=[pk]))
    return mark_safe("".join([_row(hazard, labels, today, detail) for hazard in hazards]))


def _row(hazard, label: dict, today, detail: str) -> str:
    url = escape(detail % hazard.pk)
    overdue = hazard.is_overdue(today)
    status = hazard.status
    enterprise = hazard.enterprise.name if hazard.enterprise is not None else ""
    deadline = hazard.current_deadline
    on_spot = f' <span class="badge">{label["on_spot"]}</span>' if hazard.rectified_on_spot else ""
    clock = getattr(hazard, "deadline_clock", None)
    if clock is not None:
        css = "badge danger" if overdue else "muted"
        clock_html = f' <span class="{css}" data-testid="deadline-clock">{escape(clock.text)}</span>'
    elif overdue:
        clock_html = f' <span class="badge danger">{label["overdue"]}</span>'
    else:
        clock_html = ""
    if overdue:
        days = hazard.overdue_days  # may fetch the clock of a row that came without one
        clock = getattr(hazard, "deadline_clock", None)  # ...so read it again
        overdue_days = f'{days} {label["workdays"] if clock is not None and clock.working else label["days"]}'
    else:
        overdue_days = _NONE
    return (
        f'<tr class="status-{escape(status)}{" overdue" if overdue else ""}">\n'
        f'  <td data-label="{label["code"]}"><a href="{url}">{escape(hazard.code)}</a></td>\n'
        f'  <td data-label="{label["title"]}"><a href="{url}">{escape(hazard.title)}</a></td>\n'
        f'  <td data-label="{label["enterprise"]}">{escape(enterprise) if enterprise else _NONE}</td>\n'
        f'  <td data-label="{label["region"]}">{escape(hazard.region.name)}</td>\n'
        f'  <td data-label="{label["sector"]}">{escape(hazard.sector)}</td>\n'
        f'  <td data-label="{label["level"]}"><span class="badge level-{escape(hazard.level)}">'
        f'{label["levels"].get(hazard.level, escape(hazard.level))}</span></td>\n'
        f'  <td data-label="{label["status"]}"><span class="badge st-{escape(status)}">'
        f'{label["statuses"].get(status, escape(status))}</span>{on_spot}</td>\n'
        f'  <td data-label="{label["found"]}">{localtime(hazard.found_at).date().isoformat()}</td>\n'
        f'  <td data-label="{label["deadline"]}">{deadline.isoformat() if deadline else _NONE}{clock_html}</td>\n'
        f'  <td data-label="{label["overdue_days"]}" class="num">{overdue_days}</td>\n'
        f'</tr>\n'
    )
