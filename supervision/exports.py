"""A dashboard view as an Excel workbook (openpyxl) or a PDF (hazardtrack.pdf). Both show
exactly what the page shows: the same Dashboard object from supervision.selectors."""
from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hazardtrack.pdf import render_pdf
from spreadsheets.writing import texts_only

from . import statistics as stats
from .charts import ranking_svg
from .selectors import Dashboard, IncidentSection, Row, TipoffSection

RATE_FORMAT = "0.0%"
DAYS_FORMAT = "0.0"
# A rate's 同比 is a difference in percentage points, not a percent: −30 points, not −30 %.
POINTS_FORMAT = '+0.0" 个百分点";−0.0" 个百分点";0.0" 个百分点"'
MONEY_FORMAT = "#,##0.00"
DASH = "—"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E3E7EE")


def columns(skip=()) -> list[tuple[str, str, str]]:
    return [(name, str(label), kind) for name, label, kind in stats.FIGURE_COLUMNS if name not in skip]


def _put(cell, value, kind: str) -> None:
    """Numbers stay numbers; a rate is a fraction formatted as a percentage; no value is "—"."""
    if value is None:
        cell.value = DASH
        cell.alignment = Alignment(horizontal="right")
        return
    cell.value = round(value, 6) if kind in ("rate", "days") else value
    if kind == "rate":
        cell.number_format = RATE_FORMAT
    elif kind == "days":
        cell.number_format = DAYS_FORMAT
    elif kind == "money":
        cell.number_format = MONEY_FORMAT


def _header(sheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _table(book: Workbook, title: str, first: list[str], rows: list[Row], *, skip=(), lead=lambda row: [row.label]):
    sheet = book.create_sheet(title)
    figure_columns = columns(skip)
    _header(sheet, first + [label for _n, label, _k in figure_columns])
    for row in rows:
        values = lead(row)
        sheet.append(values)
        line = sheet.max_row
        for offset, (name, _label, kind) in enumerate(figure_columns, start=len(values) + 1):
            _put(sheet.cell(line, offset), row.figures.value(name), kind)
    _widths(sheet, first_width=18)
    sheet.freeze_panes = "B2"
    return sheet


def _widths(sheet, first_width: int) -> None:
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = first_width if index == 1 else 11


def dashboard_xlsx(board: Dashboard) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("概况")
    summary.append([_("区划"), board.region_name])
    summary.append([_("统计期"), str(board.period)])
    summary.append([_("同比期"), str(board.period.year_before())])
    summary.append([_("逾期统计截至"), board.today.isoformat()])
    summary.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    summary.append([])
    _year_on_year(summary, board.tiles)
    summary.column_dimensions["A"].width = 16
    for letter in "BCD":
        summary.column_dimensions[letter].width = 14

    if board.children:
        _table(book, _("按区划"), [_("区划"), _("代码"), _("销号率排名")], board.children,
               lead=lambda row: [row.label, row.code, row.rank if row.rank is not None else DASH])
    _table(book, _("按行业领域"), [_("行业领域")], board.sectors)
    _table(book, _("按隐患来源"), [_("隐患来源")], board.sources)
    _table(book, _("按隐患等级"), [_("隐患等级")], board.levels, skip=stats.MAJOR_COLUMNS)
    _table(book, _("趋势"), [_("周期起")], board.trend, lead=lambda row: [row.key])
    if board.incidents:
        _incident_sheet(book, board, board.incidents)
    if board.tipoffs:
        _tipoff_sheet(book, board, board.tipoffs)
    texts_only(book)  # region and sector names are typed text, never formulas
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _year_on_year(sheet, tiles) -> None:
    """Figure, this period, the same days last year and 同比, one row per tile."""
    _header(sheet, [_("指标"), _("本期"), _("去年同期"), _("同比")])
    for tile in tiles:
        sheet.append([tile.label])
        line = sheet.max_row
        _put(sheet.cell(line, 2), tile.value, tile.kind)
        _put(sheet.cell(line, 3), tile.previous, tile.kind)
        # A count's change is relative (a percent); a rate's is in percentage points.
        change = sheet.cell(line, 4)
        if tile.kind == "rate" and tile.change is not None:
            change.value, change.number_format = round(tile.change * 100, 4), POINTS_FORMAT
        else:
            _put(change, tile.change, "rate")


def _incident_sheet(book: Workbook, board: Dashboard, section: IncidentSection) -> None:
    """生产安全事故: the dashboard's incident tiles, last year's values, 同比 and 双下降."""
    sheet = book.create_sheet(_("生产安全事故"))
    sheet.append([_("区划"), board.region_name])
    sheet.append([_("统计期"), f"{section.period.start.isoformat()} — {section.period.end.isoformat()}"])
    sheet.append([_("同比期"), f"{section.previous.start.isoformat()} — {section.previous.end.isoformat()}"])
    sheet.append([])
    _year_on_year(sheet, section.tiles)
    sheet.append([])
    sheet.append([_("双下降"), _("是") if section.double_decline else _("否")])
    _summary_widths(sheet)


def _tipoff_sheet(book: Workbook, board: Dashboard, section: TipoffSection) -> None:
    """举报: the dashboard's tip-off tiles."""
    sheet = book.create_sheet(_("群众举报"))
    sheet.append([_("区划"), board.region_name])
    sheet.append([_("统计期"), str(board.period)])
    sheet.append([])
    _header(sheet, [_("指标"), _("本期")])
    for tile in section.tiles:
        sheet.append([tile.label])
        _put(sheet.cell(sheet.max_row, 2), tile.value, tile.kind)
    _summary_widths(sheet)


def _summary_widths(sheet) -> None:
    sheet.column_dimensions["A"].width = 22
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16


def dashboard_pdf(board: Dashboard, *, title: str | None = None) -> bytes:
    """Raises hazardtrack.pdf.PdfUnavailable where the machine cannot lay out PDFs."""
    return render_pdf("supervision/pdf/dashboard_sections.html", {
        "board": board, "title": title or _("%(region)s隐患排查治理统计") % {"region": board.region_name},
        "columns": columns(), "level_columns": columns(stats.MAJOR_COLUMNS),
        "generated_at": timezone.localtime(),
    })


def report_context(board: Dashboard, *, title: str, prose: str, issuer: str, issued_on) -> dict:
    """What supervision/pdf/report.html is rendered from (the tests read the same)."""
    return {"board": board, "title": title, "prose": prose, "issuer": issuer, "issued_on": issued_on,
            "ranking_chart": ranking_svg(board.ranking), "columns": columns(),
            "level_columns": columns(stats.MAJOR_COLUMNS), "generated_at": timezone.localtime()}


def report_pdf(board: Dashboard, **document) -> bytes:
    """A 日报/周报/月报; the keywords are report_context's. Raises PdfUnavailable like dashboard_pdf."""
    return render_pdf("supervision/pdf/report.html", report_context(board, **document))


def filename(board: Dashboard, extension: str) -> str:
    return f"隐患统计_{board.region_name}_{board.period.start:%Y%m%d}-{board.period.end:%Y%m%d}.{extension}"
