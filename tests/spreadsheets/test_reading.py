"""The rows of an uploaded sheet are the values openpyxl reads, whichever way they were read: the
regex reader (cells as Excel, WPS and openpyxl write them) and openpyxl's own parser give the same
tuples for dates, numbers, empty cells, shared, inline and rich-text strings."""
from __future__ import annotations

import datetime
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook

from spreadsheets import reading

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def openpyxl_rows(content: bytes) -> list[tuple[int, tuple]]:
    """What openpyxl alone reads (read-only, cached values), rows with content only."""
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    sheet.reset_dimensions()
    return [(n, values) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values)]


def imported_rows(content: bytes) -> tuple[bool, list[tuple[int, tuple]]]:
    handle = io.BytesIO(content)
    info = reading.inspect(handle, "hazards")
    workbook, sheet = reading.open_sheet(handle, info)
    try:
        return info.plain, list(reading.iter_rows(sheet))
    finally:
        workbook.close()


def workbook(rows: list[list], *, write_only: bool = False) -> bytes:
    """Shared strings (normal mode) or inline strings (write-only mode, as our exports)."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("隐患台账") if write_only else book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replaced(content: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with some of its XML parts written by hand (as other programs write them)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, parts.get(item.filename, source.read(item.filename)))
        for name in set(parts) - set(source.namelist()):
            target.writestr(name, parts[name])
    return buffer.getvalue()


LEDGER = [
    ["原台账编号", "隐患名称", "发现时间", "整改期限", "计划整改资金（元）", "是否重大", "备注"],
    ["TZ-001", "配电箱未接地", datetime.datetime(2024, 3, 5, 9, 30), datetime.date(2024, 4, 5), 1200, True, None],
    ["TZ-002", "  消防通道堵塞  ", datetime.datetime(2024, 3, 6), None, 1234.56, False, "A&B <公司> \"引号\""],
    [None, None, None, None, None, None, None],  # an empty row between the data
    ["TZ-003", "第一行\n第二行", datetime.date(2023, 12, 31), datetime.date(2024, 1, 2), -3.5e-7, None, "x" * 300],
    [20240305, 1e20, 0, "", "0", "=SUM(E2:E3)", "😀 emoji"],
    [None, None, None, None, None, None, "only the last cell"],
    ["合计", "共 3 条"],
]


def test_a_ledger_with_shared_strings_reads_as_openpyxl_reads_it():
    content = workbook(LEDGER)

    plain, rows = imported_rows(content)

    assert plain
    assert rows == openpyxl_rows(content)
    assert rows[1] == (2, ("TZ-001", "配电箱未接地", datetime.datetime(2024, 3, 5, 9, 30),
                           datetime.datetime(2024, 4, 5), 1200, True))
    assert [n for n, _values in rows] == [1, 2, 3, 5, 6, 7, 8]


def test_a_ledger_with_inline_strings_reads_as_openpyxl_reads_it():
    content = workbook(LEDGER, write_only=True)

    plain, rows = imported_rows(content)

    assert plain
    assert rows == openpyxl_rows(content)
    assert rows[2][1][6] == "A&B <公司> \"引号\""


SHARED = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="6" uniqueCount="6">'
          '<si><t>原台账编号</t></si><si><t xml:space="preserve"> 隐患名称 </t></si>'
          '<si><r><rPr><b/></rPr><t>配电箱</t></r><r><t xml:space="preserve">未接地</t></r><rPh sb="0" eb="1"><t>ハイデン</t></rPh></si>'
          '<si><t>A &amp; B&#x4E00;</t></si><si><t>escaped_x005F_x000D_</t></si><si/></sst>').encode()
SHEET = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
         'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
         '<dimension ref="A1:F9"/><sheetData>'
         '<row r="1" spans="1:6" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
         '<row r="2"><c r="A2" s="1" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c><c r="C2" t="s"><v>4</v></c>'
         '<c r="D2" t="s"><v>5</v></c><c r="E2" s="1"><v>45356.5</v></c><c r="F2" t="str"><f>A1</f><v>公式值</v></c></row>'
         '<row r="3"><c r="A3" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c><c r="B3" t="e"><v>#N/A</v></c>'
         '<c r="C3" t="d"><v>2024-03-05T09:30:00</v></c><c r="D3" t="b"><v>0</v></c><c r="E3"><v></v></c>'
         '<c r="F3" t="inlineStr"><is><t>a &lt; b</t></is></c></row>'
         '<row><c t="n"><v>7</v></c><c><v>1.5E3</v></c><c r="E4" t="inlineStr"/><c r="F4" t="inlineStr"><is><t></t></is></c></row>'
         '<row r="6">\n  <c r="C6" t="n"><v>12</v></c>\n  <c r="A6" t="n"><v>99</v></c>\n</row>'
         '<row r="5"><c r="A5" t="s"><v>0</v></c></row>'
         '<row r="8" spans="1:3"><c r="A8" s="2"><v>45000</v></c><c r="B8" s="3"><v>0.75</v></c><c r="C8" s="2"/></row>'
         '<row r="9"/>'
         '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>').encode()
STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><numFmts count="2">'
          '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
          '<numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>'
          '<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="22" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '</styleSheet>').encode()


def excel_written(sheet: bytes = SHEET, strings: bytes = SHARED) -> bytes:
    """A workbook whose sheet, strings and styles are written as Excel writes them, with the
    cases the regex reader leaves to openpyxl row by row (rich text, formulas, errors, ISO dates,
    cells without a reference, a row out of order)."""
    content = workbook([["x"], ["y"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    types = source.read("[Content_Types].xml").replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    rels = source.read("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    return replaced(content, {"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": strings, "xl/styles.xml": STYLES,
                              "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})


def test_rows_written_as_excel_writes_them_read_as_openpyxl_reads_them():
    content = excel_written()

    plain, rows = imported_rows(content)

    assert plain
    assert rows == openpyxl_rows(content)
    by_number = dict(rows)
    assert by_number[2][:5] == ("配电箱未接地", "A & B一", "escaped_x000D_", "", datetime.datetime(2024, 3, 5, 12, 0))
    assert by_number[3][0] == "富文本" and by_number[3][5] == "a < b"
    assert by_number[4] == (7, 1500.0, None, None, None, "")
    assert 5 not in by_number  # numbered before row 6, which came first: openpyxl leaves it out
    assert by_number[8] == (datetime.datetime(2023, 3, 15), datetime.timedelta(hours=18), None)


def test_a_workbook_of_the_1904_date_system_reads_its_dates_as_openpyxl():
    content = excel_written()
    source = zipfile.ZipFile(io.BytesIO(content))
    book = source.read("xl/workbook.xml").replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    book = re.sub(rb"<workbookPr\b[^>]*/>", b'<workbookPr date1904="1"/>', book)
    content = replaced(content, {"xl/workbook.xml": book})

    rows = imported_rows(content)[1]

    assert rows == openpyxl_rows(content)
    assert dict(rows)[8][0] == datetime.datetime(2027, 3, 16)


def test_a_sheet_with_comments_or_prefixed_cells_is_read_by_openpyxl_alone():
    commented = SHEET.replace(b"<sheetData>", b"<sheetData><!-- a comment with <row> in it -->")
    prefixed = re.sub(rb"<(/?)(row|c|v)\b", rb"<\1x:\2", SHEET).replace(
        b"<worksheet ", f'<worksheet xmlns:x="{MAIN}" '.encode())

    for sheet in (commented, prefixed):
        content = excel_written(sheet)
        plain, rows = imported_rows(content)

        assert not plain
        assert rows == openpyxl_rows(content)
        assert dict(rows)[2][0] == "配电箱未接地"


def test_shared_strings_with_cdata_are_read_by_openpyxl():
    strings = SHARED.replace(b"<t>A &amp; B&#x4E00;</t>", b"<t><![CDATA[A & B]]>\xe4\xb8\x80</t>")
    content = excel_written(strings=strings)

    rows = imported_rows(content)[1]

    assert rows == openpyxl_rows(content)
    assert dict(rows)[2][1] == "A & B一"
