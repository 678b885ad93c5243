"""A streaming XLSX writer for exports (docs/decisions/005-performance-at-national-scale.md).

An export is a few sheets of plain rows. openpyxl and XlsxWriter build an object per cell
and took 21 s and 11 s for the 840 000 cells of the national-scale report annex; this
writer formats each row straight into SpreadsheetML and streams it into the zip, about ten
times faster, in constant memory. Reading still uses openpyxl (common.tabular.read_table),
which the tests use to read these files back.

Cells are typed by the Python value: ``str`` → inline string (never a formula, so no
escaping apostrophe is needed: ``=HYPERLINK(…)`` stays text), ``date`` → date cell shown
``jj/mm/aaaa``, ``datetime`` → date-time cell in Paris time shown ``jj/mm/aaaa à hh:mm``,
``int``/``float``/``Decimal`` → number, :class:`Euros` → number shown ``1 234,50 €``,
``bool`` → « Oui »/« Non ». Characters XML 1.0 forbids (control characters, U+FFFE,
U+FFFF, lone surrogates) are dropped; NaN and infinities are refused (ValueError).

Column widths come from the header and the first :data:`WIDTH_SAMPLE` rows, which are
held back before the sheet is written; the header row is frozen and carries an autofilter.
"""

import datetime
import io
import math
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Style indexes (cellXfs order below).
BOLD, DATE, DATETIME, EURO, WRAP = 1, 2, 3, 4, 5
STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy&quot; à &quot;hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="#,##0.00\\ &quot;€&quot;;\\-#,##0.00\\ &quot;€&quot;"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
ROWS_PER_WRITE = 2000
# Rows held back to size the columns before the sheet starts.
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
# Excel refuses (and « repairs ») a cell longer than this.
MAX_CELL_LENGTH = 32767
# Everything outside XML 1.0's Char production: C0 controls but tab, LF and CR, lone
# surrogates, U+FFFE and U+FFFF. A single one makes the whole sheet unreadable.
ILLEGAL_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
EPOCH = datetime.datetime(1899, 12, 30)
EPOCH_DATE = EPOCH.date()


class Euros(Decimal):
    """An amount of money: written as a number with the euro format."""


def column_letters(index):
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Letters(dict):
    def __missing__(self, index):
        self[index] = column_letters(index)
        return self[index]


LETTERS = _Letters()


def _number(value) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Valeur non numérique refusée dans un export : {value}")
        return format(value, "f")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Valeur non numérique refusée dans un export : {value}")
    return repr(value)


def _serial(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        delta = value - EPOCH
        return repr(round(delta.days + delta.seconds / 86400, 8))
    return str((value - EPOCH_DATE).days)


def _text_cell(reference, value, bold):
    # The hot path of every export: kept inline (no helper calls) for speed.
    text = ILLEGAL_CHARACTERS.sub("", value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL_LENGTH:
        text = text[:MAX_CELL_LENGTH]
    style = ' s="1"' if bold else (' s="5"' if "\n" in text else "")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    )


def _cell(reference, value, bold):
    """One ``<c>`` element ("" for an empty cell)."""
    kind = type(value)
    if kind is str:
        return _text_cell(reference, value, bold) if value else ""
    if value is None:
        return ""
    if kind is int:
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, bool):
        return _text_cell(reference, "Oui" if value else "Non", bold)
    if isinstance(value, datetime.datetime):
        return f'<c r="{reference}" s="{DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{reference}" s="{DATE}"><v>{_serial(value)}</v></c>'
    if isinstance(value, Euros):
        return f'<c r="{reference}" s="{EURO}"><v>{_number(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"><v>{_number(value)}</v></c>'
    return _cell(reference, str(value), bold) if str(value) else ""


def _width(value) -> int:
    """About how many characters ``value`` takes on screen."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    if isinstance(value, datetime.datetime):
        return 18
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Euros):
        return len(f"{value:,.2f}") + 2
    return len(str(value))


def _widths(rows) -> list[int]:
    widths = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], _width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


class _SheetWriter:
    """Streams one worksheet; remembers what the workbook needs (autofilter range)."""

    def __init__(self, rows, header_row):
        self.rows = iter(rows)
        self.header_row = header_row
        self.filter_ref = None

    def chunks(self):
        head = []
        for row in self.rows:
            head.append(row)
            if len(head) >= WIDTH_SAMPLE:
                break
        header = head[self.header_row] if self.header_row is not None and head else None
        has_header = bool(header and any(value not in (None, "") for value in header))
        yield f'{HEAD}<worksheet xmlns="{MAIN}">'
        if has_header:
            split = self.header_row + 1
            yield (
                '<sheetViews><sheetView workbookViewId="0">'
                f'<pane ySplit="{split}" topLeftCell="A{split + 1}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            )
        widths = _widths(head)
        if widths:
            yield (
                "<cols>"
                + "".join(
                    f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
                    for n, w in enumerate(widths, start=1)
                )
                + "</cols>"
            )
        yield "<sheetData>"
        chunk = []
        number = 0
        rows = _chain(head, self.rows)
        for number, row in enumerate(rows, start=1):
            bold = number - 1 == self.header_row
            cells = "".join(
                _cell(f"{LETTERS[i]}{number}", value, bold) for i, value in enumerate(row)
            )
            chunk.append(f'<row r="{number}">{cells}</row>')
            if len(chunk) >= ROWS_PER_WRITE:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)
        yield "</sheetData>"
        if has_header:
            last = LETTERS[len(header) - 1]
            self.filter_ref = f"$A${self.header_row + 1}:${last}${max(number, self.header_row + 1)}"
            yield f'<autoFilter ref="{self.filter_ref.replace("$", "")}"/>'
        yield "</worksheet>"


def _chain(first, rest):
    yield from first
    yield from rest


def write_book(sheets) -> bytes:
    """An XLSX file from ``(title, rows, header_row)`` triples: ``rows`` is any iterable of
    lists of values (read once, as it streams), ``header_row`` the 0-based index of the
    header row (bold, frozen, with an autofilter) or None. Titles must already be valid
    sheet names."""
    buffer = io.BytesIO()
    titles, filters = [], []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for number, (title, rows, header_row) in enumerate(sheets, start=1):
            titles.append(title)
            writer = _SheetWriter(rows, header_row)
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                for chunk in writer.chunks():
                    part.write(chunk.encode("utf-8"))
            filters.append(writer.filter_ref)
        count = len(titles)
        sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        archive.writestr(
            "[Content_Types].xml",
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
                for n in range(1, count + 1)
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        # Excel and LibreOffice find a sheet's autofilter range through this hidden name.
        names = "".join(
            '<definedName name="_xlnm._FilterDatabase" '
            f'localSheetId="{n}" hidden="1">{escape(_quoted(titles[n]))}!{ref}</definedName>'
            for n, ref in enumerate(filters)
            if ref
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            + "".join(
                f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
                for n, title in enumerate(titles, start=1)
            )
            + "</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", STYLES)
    return buffer.getvalue()


def _quoted(title):
    """A sheet name as a formula reference writes it: 'Name' with ' doubled."""
    return "'" + title.replace("'", "''") + "'"
