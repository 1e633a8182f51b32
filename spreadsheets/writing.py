"""Writing workbooks and CSV files: the import templates, error reports and exports.

Exports are streamed: rows come from a queryset iterator, an .xlsx is written by openpyxl in
write-only mode to an anonymous temporary file (rows go to disk as they are written) that is
then sent in blocks and deleted when the response closes; a CSV is produced row by row as the
response is sent. Neither holds the whole ledger in memory.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import COLUMNS, SHEET_TITLES, Column
from .reading import max_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C62828")
HEADER_FILL = PatternFill("solid", fgColor="ECEFF1")
FORMATTED_ROWS = 501  # template rows pre-formatted as dates / text


@dataclass
class Table:
    """One sheet of a workbook, or one section of a CSV."""

    title: str
    headers: list[str]
    rows: Iterable[list]
    widths: list[int] | None = None
    count: int | None = None  # the rows it will hold, where known before streaming (the audit log's count)


def plain(value):
    """A value as a spreadsheet cell: local naive datetimes (Excel has no time zones)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, Decimal):
        return float(value)
    return value


# A text cell starting with one of these is run as a formula by Excel, WPS and LibreOffice
# (=HYPERLINK(…) sends the row to a stranger's server; DDE runs programs): OWASP CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text_cell(sheet, value) -> WriteOnlyCell:
    """A typed text that Excel would read as a formula, kept as the text the user typed: a
    string cell (openpyxl makes "=…" a formula otherwise) with Excel's quote prefix, so that
    editing the cell does not turn it into one either."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def texts_only(workbook: Workbook) -> None:
    """The same for a workbook built cell by cell (the dashboard): we never write formulas, so
    every cell openpyxl took for one is text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True


def xlsx_response(filename: str, tables: list[Table]) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook = Workbook(write_only=True)
    with translation.override(settings.LANGUAGE_CODE):
        _write_tables(workbook, tables)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _write_tables(workbook: Workbook, tables: list[Table]) -> None:
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        for index, width in enumerate(table.widths or [16] * len(table.headers), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, h) for h in table.headers])
        for row in table.rows:
            sheet.append([_text_cell(sheet, v) if formula_like(v) else plain(v) for v in row])


def _header_cell(sheet, text: str, font: Font = HEADER_FONT) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font, cell.fill = font, HEADER_FILL
    return cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if formula_like(value):
        return "'" + value  # OWASP: a leading apostrophe makes the cell text in spreadsheet programs
    return str(value)


def csv_response(filename: str, tables: list[Table]) -> StreamingHttpResponse:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    writer = csv.writer(_Echo())

    def lines():
        # Rows are produced while the response is sent, after the view has returned.
        with translation.override(settings.LANGUAGE_CODE):
            yield codecs.BOM_UTF8.decode()
            for number, table in enumerate(tables):
                if len(tables) > 1:
                    yield ("\r\n" if number else "") + writer.writerow([_csv_value(table.title)])
                yield writer.writerow([_csv_value(h) for h in table.headers])
                for row in table.rows:
                    yield writer.writerow([_csv_value(v) for v in row])

    response = StreamingHttpResponse((line.encode("utf-8") for line in lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stamped(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


# --- the import templates --------------------------------------------------------------------

def template_response(kind: str) -> FileResponse:
    """The import template: data sheet with drop-down lists, instructions, the option lists."""
    with translation.override(settings.LANGUAGE_CODE):
        columns: tuple[Column, ...] = COLUMNS[kind]
        workbook = Workbook()
        data = workbook.active
        data.title = str(SHEET_TITLES[kind])
        options = workbook.create_sheet(_("选项"))
        guide = workbook.create_sheet(_("填写说明"), 0)
        _write_guide(guide, kind, columns)
        option_col = 0
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            cell = data.cell(row=1, column=index, value=str(column.header))
            cell.font, cell.fill = (REQUIRED_FONT if column.required else HEADER_FONT), HEADER_FILL
            data.column_dimensions[letter].width = column.width
            values = _option_values(column)
            if values:
                option_col += 1
                option_letter = get_column_letter(option_col)
                options.cell(row=1, column=option_col, value=str(column.header))
                for row, value in enumerate(values, start=2):
                    options.cell(row=row, column=option_col, value=value)
                rule = DataValidation(
                    type="list", allow_blank=True, showErrorMessage=True,
                    formula1=f"'{options.title}'!${option_letter}$2:${option_letter}${len(values) + 1}",
                    errorTitle=_("不是可选的值"), error=_("请从下拉列表中选择。"),
                )
                rule.add(f"{letter}2:{letter}{max_rows() + 1}")
                data.add_data_validation(rule)
            if column.kind in ("date", "datetime"):
                for row in range(2, FORMATTED_ROWS):
                    data.cell(row=row, column=index).number_format = "yyyy-mm-dd" if column.kind == "date" else "yyyy-mm-dd hh:mm"
            elif column.kind in ("region", "credit_code") or column.key == "original_code":
                for row in range(2, FORMATTED_ROWS):
                    data.cell(row=row, column=index).number_format = "@"  # codes stay text
        data.freeze_panes = "A2"
        options.sheet_state = "hidden"
        texts_only(workbook)  # sector names are typed by administrators
        workbook.active = 1
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        workbook.save(handle)
        handle.seek(0)
        name = _("%(kind)s导入模板") % {"kind": SHEET_TITLES[kind]}
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE)


def _option_values(column: Column) -> list[str]:
    if column.kind == "choice":
        return [str(label) for _value, label in column.choices.choices]
    if column.kind == "sector":
        from accounts.models import Sector

        return list(Sector.objects.values_list("name", flat=True))
    return []


def _write_guide(sheet, kind: str, columns: tuple[Column, ...]) -> None:
    notes = [
        _("填写说明（%(kind)s）") % {"kind": SHEET_TITLES[kind]},
        _("1. 在“%(sheet)s”工作表中从第2行起每行填写一条；第1行表头不要修改，红色列为必填。") % {"sheet": SHEET_TITLES[kind]},
        _("2. 带下拉箭头的列请从列表中选择；日期写成 2024-03-05 的格式。"),
        _("3. 单次最多导入 %(n)s 行，文件不超过 %(mb)s MB；请保存为 .xlsx 格式，不要设置打开密码。") % {
            "n": f"{max_rows():,}", "mb": settings.SPREADSHEETS_UPLOAD_MAX_BYTES // (1024 * 1024)},
        _("4. 上传后系统先逐行校验并给出预览，确认后才导入；有错误的行可下载错误报告修改后重新上传。"),
    ]
    if kind == "hazards":
        notes.append(_("5. 原台账编号用于防止重复导入：同一区县内已导入过的编号会被跳过，可放心重复上传同一文件。"))
    for row, note in enumerate(notes, start=1):
        sheet.cell(row=row, column=1, value=note).font = HEADER_FONT if row == 1 else Font()
    start = len(notes) + 2
    for index, header in enumerate([_("列名"), _("是否必填"), _("说明"), _("可选值"), _("也可写作（表头）"),
                                    _("也接受的填法")], start=1):
        cell = sheet.cell(row=start, column=index, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for offset, column in enumerate(columns, start=1):
        values = _option_values(column)
        words = "、".join(_("%(word)s（按“%(label)s”）") % {"word": word, "label": column.choices(value).label}
                         for word, value in column.words)
        sheet.append([str(column.header), _("必填") if column.required else _("选填"), str(column.help),
                      "、".join(values), "、".join(column.other_headers), words])
        for cell in sheet[start + offset]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (20, 10, 60, 50, 30, 40)):
        sheet.column_dimensions[letter].width = width
    sheet.append([])
    sheet.append([_("表头不必与模板完全一致：上表“也可写作”中的列名同样识别；不识别的列（如“序号”）不导入，预览中会列出。"
                    "“合计”“小计”行和空行自动跳过。单位名称与登记的全称不一致时，预览会给出“您是否指”的建议，确认后才按建议导入。")])
