"""Charts for the PDF documents as inline SVG, drawn on the server (WeasyPrint lays out inline
SVG; the page's own charts are drawn by static/js/supervision.js). Plain string building: the
labels use the bundled document font declared by templates/pdf/base.html."""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .templatetags.supervision import figure

ROW = 22  # px per bar (the SVG is scaled to the page width)
LABEL_WIDTH = 190
BAR_WIDTH = 520
VALUE_WIDTH = 70
TOP = 18  # room for the axis labels
FONT = 'font-family="HT Serif, serif" font-size="9"'


def ranking_svg(rows) -> SafeString:
    """Horizontal bars of 销号率 (0–100 %), one per row of `rows` (selectors.Dashboard.ranking,
    in its order): "名次 区划" on the left, the bar, the rate on the right. Rows with nothing
    found are not ranked: an empty bar and "—"."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW * len(rows) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ranking-chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    for tick in range(0, 101, 25):  # axis: 0 % … 100 %
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height - 2}" stroke="#bbb" stroke-width="0.6"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP - 7}" text-anchor="middle" fill="#444" {FONT}>{tick}%</text>')
    for index, row in enumerate(rows):
        y = TOP + ROW * index
        rate = row.figures.sign_off_rate
        label = f"{row.rank}  {row.label}" if row.rank else row.label
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" {FONT}>{escape(label)}</text>')
        bar = BAR_WIDTH * (rate or 0)
        value = "" if rate is None else f"{rate:.6f}"
        parts.append(f'<rect class="bar" data-code="{escape(row.code)}" data-rate="{value}" x="{LABEL_WIDTH}" '
                     f'y="{y + 4}" width="{bar:.1f}" height="{ROW - 8}" fill="#2f5d8a"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 4:.1f}" y="{y + 15}" {FONT}>{figure(rate, "rate")}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
