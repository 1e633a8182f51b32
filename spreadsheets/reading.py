"""Opening an uploaded workbook safely and reading its rows as a stream.

Bad files are refused with a DomainError that says what is wrong, checked cheapest first and
without reading the whole sheet into memory: the first bytes (not Excel, old .xls, a
password-protected workbook: an encrypted OLE container), the zip, the sheet's declared
dimension and a capped count of its rows (a byte scan of the sheet XML), then the header row.
Rows are read one at a time. openpyxl (read-only) opens the workbook and reads its styles; the
cells of a sheet written as Excel, WPS and openpyxl write them (one <c> after another, shared or
inline strings, numbers, dates) are read from the XML bytes by regular expressions, a third of
openpyxl's time; any other row goes through openpyxl's own parser, and a sheet with comments,
CDATA or prefixed elements is read by openpyxl alone. Both give the same values (tests hold it).
"""
from __future__ import annotations

import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import IO, Iterator
from xml.etree import ElementTree

from django.conf import settings
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.reader.strings import read_string_table
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hazardtrack.errors import DomainError

from .columns import COLUMNS, SHEET_TITLES, SYSTEM_CODE_HEADER, Column, normalise_header

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The stream an encrypted OOXML package keeps its key data in, as named in the OLE directory.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
# What the regex reader cannot read as openpyxl would: comments, CDATA, DOCTYPE (<!…), processing
# instructions after the declaration, and rows or cells written with a namespace prefix.
NOT_PLAIN_RE = re.compile(rb"<!|<\?(?!xml[\s?])|<[A-Za-z_][\w.-]*:(?:row|c|v|is|t|si|r)[\s>/]")
HEADER_SEARCH_ROWS = 5  # a title line or two above the header row is common in office ledgers


def max_rows() -> int:
    return settings.SPREADSHEETS_MAX_ROWS


def refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, status=400, field="file")


def sniff(handle: IO[bytes]) -> None:
    """Refuse what is not an .xlsx from its bytes alone."""
    handle.seek(0)
    head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        handle.seek(0)
        return
    if head == OLE_MAGIC:
        if _contains(handle, ENCRYPTION_STREAM):
            raise refuse("encrypted", _("该工作簿设置了打开密码，系统无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新上传。"))
        raise refuse("legacy_xls", _("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 格式后重新上传。"))
    raise refuse("not_excel", _("这不是 Excel 文件。请上传 .xlsx 格式的工作簿（可先下载导入模板）。"))


def _contains(handle: IO[bytes], needle: bytes, chunk: int = 1 << 20) -> bool:
    handle.seek(0)
    tail = b""
    while True:
        block = handle.read(chunk)
        if not block:
            return False
        if needle in tail + block:
            return True
        tail = block[-len(needle):]


@dataclass
class SheetInfo:
    title: str
    path: str  # inside the zip
    declared_rows: int | None  # from <dimension>, None when the writer left it out
    counted_rows: int  # rows in the XML, counted up to the limit + 2
    plain: bool = False  # written as Excel writes it: its cells can be read by regex (see iter_rows)


def inspect(handle: IO[bytes], kind: str) -> SheetInfo:
    """Find the data sheet and check its size before anything is parsed."""
    sniff(handle)
    try:
        archive = zipfile.ZipFile(handle)
        sheets = _sheets(archive)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        raise refuse("bad_workbook", _("文件已损坏或不是 Excel 工作簿，无法打开。请用 Excel 打开后另存为 .xlsx 再上传。"))
    if not sheets:
        raise refuse("bad_workbook", _("工作簿中没有工作表。"))
    wanted = str(SHEET_TITLES[kind])
    title, path = next(((t, p) for t, p in sheets if t == wanted), sheets[0])
    limit = max_rows()
    with archive.open(path) as source:
        start = source.read(64 * 1024)
        match = DIMENSION_RE.search(start)
        declared = int(match.group(1)) if match and match.group(1) else None
        if declared is not None and declared - 1 > limit:
            raise _too_many(declared - 1, limit)
        plain = [_main_namespace(start, b"worksheet")]
        counted = _count_rows(start, source, stop_after=limit + 2, plain=plain)
    if counted - 1 > limit:
        raise _too_many(None, limit)
    if counted == 0:
        raise refuse("empty", _("工作表“%(sheet)s”是空的，没有任何内容。") % {"sheet": title})
    return SheetInfo(title=title, path=path, declared_rows=declared, counted_rows=counted, plain=all(plain))


def _main_namespace(start: bytes, root: bytes) -> bool:
    """Whether the part is UTF-8 and its root element is unprefixed in the spreadsheet namespace."""
    declaration = re.match(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding=[\"']([\w-]+)", start)
    if declaration and declaration.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    tag = re.search(rb"<(?:[\w.-]+:)?" + root + rb"\b[^>]*>", start)
    return bool(tag) and tag.group(0).startswith(b"<" + root) and f' xmlns="{MAIN_NS}"'.encode() in tag.group(0)


def _too_many(rows: int | None, limit: int) -> DomainError:
    if rows is None:
        message = _("数据超过单次导入上限 %(limit)s 行，请拆分为多个文件分批导入。") % {"limit": f"{limit:,}"}
    else:
        message = _("工作表共有 %(rows)s 行数据，超过单次导入上限 %(limit)s 行，请拆分为多个文件分批导入。") % {
            "rows": f"{rows:,}", "limit": f"{limit:,}"}
    return refuse("too_many_rows", message)


def _count_rows(start: bytes, source: IO[bytes], *, stop_after: int, plain: list[bool]) -> int:
    """Count <row> elements in the sheet XML without parsing it (fast even for 1,000,000 rows);
    appends False to `plain` where the XML holds what the regex reader leaves to openpyxl."""
    pattern = re.compile(rb"<(?:\w+:)?row[\s>]")
    count, tail, block = 0, b"", start
    while block:
        data = tail + block
        if plain[-1] and NOT_PLAIN_RE.search(data):
            plain.append(False)
        # The last bytes are read again with the next block (a tag may be split between
        # blocks): what lies wholly inside them is counted there, not here.
        tail = data[-16:]
        count += len(pattern.findall(data)) - len(pattern.findall(tail))
        if count > stop_after:
            return count
        block = source.read(1 << 20)
    return count + len(pattern.findall(tail))


def _sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, path in the zip) of every worksheet, in workbook order."""
    workbook_path = _workbook_path(archive)
    base, name = workbook_path.rsplit("/", 1) if "/" in workbook_path else ("", workbook_path)
    root = ElementTree.fromstring(archive.read(workbook_path))
    rels_xml = archive.read(f"{base}/_rels/{name}.rels" if base else f"_rels/{name}.rels")
    rels = {rel.get("Id"): rel.get("Target", "") for rel in ElementTree.fromstring(rels_xml).iter(f"{{{PKG_REL_NS}}}Relationship")}
    result = []
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        target = rels.get(sheet.get(f"{{{REL_NS}}}id"), "")
        if "worksheets/" not in target:
            continue  # chart sheets and the like
        path = target.lstrip("/") if target.startswith("/") else (f"{base}/{target}" if base else target)
        result.append((sheet.get("name", ""), path))
    return result


def _workbook_path(archive: zipfile.ZipFile) -> str:
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    raise KeyError("workbook")


# --- the header row and the data rows ------------------------------------------------------

@dataclass
class Layout:
    header_row: int  # Excel row number of the header
    positions: dict[str, int]  # column key -> index in the row tuple
    headers: dict[str, str]  # column key -> header as written in the file
    system_code_position: int | None  # 隐患编号 of an exported ledger: the old code where 原台账编号 is empty
    ignored: list[str] = field(default_factory=list)  # headers of the columns not imported, as written

    def imported(self, values: tuple) -> bool:
        """Whether the row has content in any imported column (a row with only a 序号 is blank)."""
        for index in (*self.positions.values(), self.system_code_position):
            if index is not None and index < len(values):
                value = values[index]
                if value is not None and (not isinstance(value, str) or value.strip()):
                    return True
        return False


def find_layout(rows: list[tuple[int, tuple]], kind: str) -> Layout:
    """The header row is the first of the top rows that names at least two known columns."""
    columns: tuple[Column, ...] = COLUMNS[kind]
    names = {}
    for column in columns:
        for header in (column.header, *column.other_headers):
            names[normalise_header(header)] = column
    best: Layout | None = None
    for place, (number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions, headers, system, ignored = {}, {}, None, []
        for index, value in enumerate(values):
            header = normalise_header(value)
            column = names.get(header)
            if column is not None and column.key not in positions:
                positions[column.key] = index
                headers[column.key] = str(value).strip()
            elif header == normalise_header(SYSTEM_CODE_HEADER):
                system = index
            elif header:
                ignored.append(str(value).strip()[:64])
        if len(positions) >= 2:
            best = Layout(number, positions, headers, system, ignored)
            if place + 1 < len(rows) and rows[place + 1][0] == number + 1:
                _sub_headers(best, values, rows[place + 1][1], names)
            break
    if best is None:
        expected = pgettext("list separator", "、").join(str(c.header) for c in columns if c.required)
        raise refuse("wrong_template", _("找不到表头行：前 %(n)s 行中没有可识别的列名。这不是%(kind)s导入模板，请下载模板，按模板表头（%(expected)s 等）填写。") % {
            "n": HEADER_SEARCH_ROWS, "kind": SHEET_TITLES[kind], "expected": expected})
    if kind == "hazards" and "original_code" not in best.positions and best.system_code_position is not None:
        # A ledger exported by a hazardtrack without 原台账编号: its 隐患编号 is the old code.
        best.positions["original_code"] = best.system_code_position
        best.headers["original_code"] = str(SYSTEM_CODE_HEADER)
        best.system_code_position = None
    missing = [str(c.header) for c in columns if c.required and c.key not in best.positions]
    if missing:
        raise refuse("wrong_template", _("表头缺少必填列：%(missing)s。请使用导入模板，或在第 %(row)s 行补上这些列。") % {
            "missing": pgettext("list separator", "、").join(missing), "row": best.header_row})
    return best


def _sub_headers(layout: Layout, top: tuple, below: tuple, names: dict) -> None:
    """A two-row header: a group title merged over several columns (整改落实情况) with their
    names in the row below. The names below count where the header row is empty or holds
    such a group title; the data then starts a row lower."""
    found = {}
    for index, value in enumerate(below):
        column = names.get(normalise_header(value))
        above = normalise_header(top[index]) if index < len(top) else ""
        if column is not None and column.key not in layout.positions and (not above or above not in names):
            found[column.key] = (index, str(value).strip())
    if not found:
        return
    for key, (index, header) in found.items():
        layout.positions[key] = index
        layout.headers[key] = header
        group = str(top[index]).strip() if index < len(top) and top[index] is not None else ""
        if group in layout.ignored:
            layout.ignored.remove(group)
    layout.ignored += [str(v).strip()[:64] for i, v in enumerate(below)
                       if normalise_header(v) and i not in {p for p, _h in found.values()}
                       and names.get(normalise_header(v)) is None]
    layout.header_row += 1


def open_sheet(handle: IO[bytes], info: SheetInfo):
    """The sheet in openpyxl's read-only mode (rows are parsed as they are iterated)."""
    handle.seek(0)
    try:
        reader = _ExcelReader(handle, read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
    except Exception:  # openpyxl raises many types for damaged parts (KeyError, ValueError, …)
        raise refuse("bad_workbook", _("文件已损坏或不是 Excel 工作簿，无法打开。请用 Excel 打开后另存为 .xlsx 再上传。"))
    sheet = workbook[info.title]
    # Some writers record a wrong dimension (e.g. "A1"); read the rows that are really there.
    sheet.reset_dimensions()
    sheet.plain = info.plain
    return workbook, sheet


class _ExcelReader(ExcelReader):
    """openpyxl's reader with the shared strings read by regex where they are plain text (as in
    the workbooks Excel and WPS write: openpyxl took seconds over 200,000 strings)."""

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                data = source.read()
            strings = _plain_strings(data)
            self.shared_strings = strings if strings is not None else read_string_table(io.BytesIO(data))


SI_RE = re.compile(rb'<si>(?:<t(?: xml:space="preserve")?>([^<&\r]*)</t>|(.*?))</si>|<si\s*/>', re.S)


def _plain_strings(data: bytes) -> list[str] | None:
    """The shared strings table as openpyxl reads it (rich text as its text runs, x005F_ left
    out); None when the part is not plain enough to be read by regex."""
    if not _main_namespace(data[:4096], b"sst") or NOT_PLAIN_RE.search(data):
        return None
    wrapper = _wrapper(data, b"sst", b"si")
    strings = []
    for simple, other in SI_RE.findall(data):
        if other:  # rich text, entities, …: openpyxl's own reading of this one item
            text = Text.from_tree(ElementTree.fromstring(wrapper[0] + other + wrapper[1])).content
        else:
            text = simple.decode()
        strings.append(text.replace("x005F_", ""))
    if len(strings) != data.count(b"<si"):
        return None
    return strings


def _wrapper(data: bytes, root: bytes, element: bytes) -> tuple[bytes, bytes]:
    """Start and end tags around one child element parsed on its own, with the root's namespaces."""
    tag = re.search(rb"<" + root + rb"\b[^>]*>", data[:4096])
    declarations = b"".join(re.findall(rb'\sxmlns(?::[\w.-]+)?="[^"]*"', tag.group(0) if tag else b""))
    return b"<" + element + declarations + b">", b"</" + element + b">"


# One cell as Excel, WPS and openpyxl write it: r, s and t in this order, a value or an inline
# string of plain text (no entity, no carriage return: the XML parser would change them).
CELL = (rb'<c r="([A-Z]{1,3})[0-9]+"(?: s="([0-9]+)")?(?: t="(s|n|b|str|e|inlineStr)")?\s*'
        rb'(?:/>|>(?:<v>([^<&\r]*)</v>|(<is><t(?: xml:space="preserve")?>)([^<&\r]*)</t></is>)?</c>)')
CELL_RE = re.compile(CELL)
PLAIN_ROW_RE = re.compile(rb"(?:\s*" + CELL + rb")*\s*")
ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
ROW_NUMBER_RE = re.compile(rb'\sr="([^"]*)"')


def iter_rows(sheet, *, start: int = 1) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values) of every row from `start` on that has any content."""
    rows = _plain_rows(sheet) if getattr(sheet, "plain", False) else _openpyxl_rows(sheet)
    counter = start
    for number, values in rows:
        if number < counter:  # a row numbered before one already read: openpyxl skips it
            continue
        counter = number + 1
        if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            yield number, values


def _openpyxl_rows(sheet) -> Iterator[tuple[int, tuple]]:
    # openpyxl fills the rows it passes over with empty ones: the position is the row number.
    return enumerate(sheet.iter_rows(values_only=True), start=1)


def _plain_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of every <row>, the values as openpyxl's read-only values_only rows."""
    workbook = sheet.parent
    strings, epoch = sheet._shared_strings, workbook.epoch
    dates, durations = workbook._date_formats, workbook._timedelta_formats
    parser = WorkSheetParser(None, strings, data_only=True, epoch=epoch, date_formats=dates,
                             timedelta_formats=durations)
    columns: dict[bytes, int] = {}
    number, tail, wrapper = 0, b"", None
    with sheet._get_source() as source:
        while True:
            block = source.read(1 << 20)
            data = tail + block
            if wrapper is None:
                wrapper = _wrapper(data, b"worksheet", b"row")
            end = 0
            for match in ROW_RE.finditer(data):
                if block and match.end() == len(data):
                    break  # may be cut off: read again with the next block
                end = match.end()
                attributes, body = match.groups()
                found = ROW_NUMBER_RE.search(attributes)
                number = _row_number(found.group(1)) if found else number + 1
                if not body:
                    yield number, ()
                elif PLAIN_ROW_RE.fullmatch(body):
                    yield number, _plain_values(CELL_RE.findall(body), columns, strings, dates, durations, epoch)
                else:  # anything else in the row: openpyxl's own parser, on this row alone
                    element = ElementTree.fromstring(wrapper[0][:-1] + b' r="%d">' % number + body + wrapper[1])
                    parser.row_counter = number - 1
                    yield number, _openpyxl_values(parser.parse_row(element)[1])
            tail = data[end:]
            if not block:
                return


def _row_number(raw: bytes) -> int:
    try:
        return int(raw)
    except ValueError:
        value = float(raw)
        if not value.is_integer():
            raise ValueError(f"{raw!r} is not a valid row number")
        return int(value)


def _plain_values(cells, columns, strings, dates, durations, epoch) -> tuple:
    """A row's values from its cells' regex groups, by openpyxl's rules (WorkSheetParser.parse_cell)."""
    values: list = []
    for letters, style, kind, raw, inline, text in cells:
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = column_index_from_string(letters.decode())
        value = None
        if kind == b"inlineStr":
            if inline:
                value = text.decode()
        elif raw:
            if kind == b"s":
                value = strings[int(raw)]
            elif kind in (b"n", b""):
                value = float(raw) if (b"." in raw or b"E" in raw or b"e" in raw) else int(raw)
                if style and int(style) in dates:
                    try:
                        value = from_excel(value, epoch, timedelta=int(style) in durations)
                    except (OverflowError, ValueError):
                        warnings.warn(f"A cell is marked as a date but the serial value {value} is outside the limits for dates.")
                        value = "#VALUE!"
            elif kind == b"b":
                value = bool(int(raw))
            else:  # str, e: the text as written
                value = raw.decode()
        values.append((column, value))
    return _row_tuple(values)


def _openpyxl_values(cells: list[dict]) -> tuple:
    return _row_tuple([(cell["column"], cell["value"]) for cell in cells])


def _row_tuple(values: list[tuple[int, object]]) -> tuple:
    """As openpyxl's read-only _get_row: as wide as the last cell's column, gaps None."""
    if not values:
        return ()
    width = values[-1][0]
    row = [None] * width
    for column, value in values:
        if column <= width:
            row[column - 1] = value
    return tuple(row)


def cell_text(value) -> str:
    """A cell as text: numbers typed into text columns lose Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != datetime.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
