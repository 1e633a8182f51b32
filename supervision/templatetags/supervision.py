"""Display of statistics figures: one place decides how a count, a rate or a mean looks."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

DASH = "—"


@register.filter
def figure(value, kind: str = "count") -> str:
    """1056 → "1,056"; 0.934 → "93.4%"; 12.25 days → "12.3"; no value (zero denominator) → "—"."""
    if value is None:
        return DASH
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "days":
        return f"{round(value, 1) + 0.0:.1f}"  # + 0.0: never "-0.0"
    return f"{value:,}"


@register.filter
def change(value, kind: str = "count") -> str:
    """同比: a rate's change in percentage points, anything else relative."""
    if value is None:
        return DASH
    if kind == "rate":
        return _("%(sign)s%(n).1f 个百分点") % {"sign": "+" if value >= 0 else "−", "n": abs(value) * 100}
    return f"{'+' if value >= 0 else '−'}{abs(value) * 100:.1f}%"


@register.simple_tag
def cell(row, name: str, kind: str):
    """A table cell's figure, linked to the ledger rows behind it."""
    text = figure(row.figures.value(name), kind)
    link = row.links.get(name)
    if not link:
        return text
    return format_html('<a href="{}" data-figure="{}">{}</a>', link, name, text)


@register.simple_tag
def cells(row, columns):
    """A table row's figure cells, `<td data-label="…">{% cell … %}</td>` for each of `columns`
    ((name, label, kind)): one tag per row instead of one per cell (a province's tables have ~600)."""
    return mark_safe("".join(format_html('<td data-label="{}">{}</td>', label, cell(row, name, kind))
                             for name, label, kind in columns))


@register.filter
def attr_figure(figures, name: str):
    """`figures|attr_figure:"sign_off_rate"` — a figure by name (for loops over columns)."""
    return figures.value(name)
