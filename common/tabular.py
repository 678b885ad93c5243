"""Reading and writing tables (CSV, XLSX): the one helper used by every import and export.

CSV exports escape every cell against formula injection and are French-friendly (``;``,
decimal comma, UTF-8 with BOM so that Excel detects the encoding). XLSX exports need no
escaping (a string cell is never a formula there) and keep types: dates, numbers, euro
amounts, and text for SIRET-like columns (``Column(kind="text")``). Imports accept what
people actually produce with Excel or LibreOffice and report problems in French.
"""

import csv
import datetime
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from common.encodings import EncodingRefused, decode
from common.xlsx import Euros, write_book

# A spreadsheet may evaluate a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATORS = (";", ",", "\t")  # in order of preference on ties
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
HEADER_SEPARATORS = re.compile(r"[\s_\-'’]+")


class TableError(Exception):
    """A problem with a table file, worded in French for the person who uploaded it."""


# Column kinds: how an XLSX cell shows the value (CSV writes them all as text).
TEXT, NUMBER, EURO = "text", "number", "euro"


@dataclass(frozen=True)
class Column:
    """An export column declared once: its header, how to get its value from an object and,
    optionally, its ``kind``: ``"euro"`` shows numbers with the euro format (the default
    for a header containing « € »), ``"text"`` keeps numbers as text (SIRET, postcode).
    Dates, date-times and numbers are recognised from the value itself."""

    header: str
    value: Callable[[Any], Any]
    kind: str = ""

    def xlsx_value(self, obj):
        """The value as the XLSX writer takes it: typed, never escaped."""
        return xlsx_cell(self.value(obj), self.kind or (EURO if "€" in self.header else ""))


@dataclass
class Table:
    """A table read from a file.

    ``rows`` holds ``(line_number, {original header: value})`` where ``line_number`` is the
    row number a spreadsheet user sees (the header is usually line 1).
    """

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


# --- Writing -------------------------------------------------------------------------------


def escape_cell(value):
    """Return ``value`` ready for an export cell.

    Strings that a spreadsheet could take for a formula get a leading ``'``; ``None``
    becomes ``""``, booleans "Oui"/"Non", datetimes (shown in Paris time) and dates French
    strings. Numbers, including ``Decimal``, are returned unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_cell(value, kind=""):
    """``value`` ready for the XLSX writer. Nothing is escaped: a cell written as an
    inline string is never a formula."""
    if value is None:
        return None
    if kind == EURO and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Euros(repr(value) if isinstance(value, float) else value)
    if kind == TEXT and not isinstance(value, str):
        return str(value)
    return value


def export_rows(columns: Iterable[Column], objects: Iterable) -> Iterator[list]:
    """Yield one list of escaped cell values per object."""
    columns = list(columns)
    for obj in objects:
        yield [escape_cell(column.value(obj)) for column in columns]


def _layout(columns, objects, metadata) -> Iterator[list]:
    """Metadata rows and a blank row (if any), then the header row, then the data rows,
    escaped for CSV."""
    columns = list(columns)
    if metadata:
        for label, value in metadata:
            yield [escape_cell(label), escape_cell(value)]
        yield []
    yield [escape_cell(column.header) for column in columns]
    yield from export_rows(columns, objects)


def _xlsx_layout(columns, objects, metadata) -> Iterator[list]:
    """The same layout with typed, unescaped values (amounts in a « € » row as euros)."""
    columns = list(columns)
    if metadata:
        for label, value in metadata:
            yield [label, xlsx_cell(value, EURO if "€" in str(label) else "")]
        yield []
    yield [column.header for column in columns]
    for obj in objects:
        yield [column.xlsx_value(obj) for column in columns]


def _csv_number(value):
    # French Excel reads "1234,5" as a number; format "f" avoids "1E+3" for Decimals.
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return value


def write_csv(columns: Iterable[Column], objects: Iterable, metadata=None) -> bytes:
    """Return a CSV export: ``;`` separated, UTF-8 with BOM, CRLF line ends.

    ``metadata`` is an optional list of ``(label, value)`` pairs written above the table.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in _layout(columns, objects, metadata):
        writer.writerow([_csv_number(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(
    columns: Iterable[Column], objects: Iterable, metadata=None, sheet_title: str = "Export"
) -> bytes:
    """Return an XLSX export with the same layout as :func:`write_csv`, header in bold.

    No cell is ever written as a formula; dates, numbers and amounts are typed cells.
    """
    return write_xlsx_book([(sheet_title, columns, objects, metadata)])


def write_xlsx_book(sheets) -> bytes:
    """An XLSX workbook of several sheets: ``(title, columns, objects, metadata)`` each.
    Rows stream from ``objects`` (pass ``queryset.iterator()`` for long lists)."""
    book = []
    for sheet_title, columns, objects, metadata in sheets:
        metadata = list(metadata or [])
        # Excel refuses these characters in a sheet name, and names longer than 31 characters.
        title = SHEET_TITLE_FORBIDDEN.sub("-", sheet_title)[:31] or "Export"
        header_index = len(metadata) + 1 if metadata else 0
        book.append((title, _xlsx_layout(columns, objects, metadata), header_index))
    return write_book(book)


# --- Reading -------------------------------------------------------------------------------


def read_table(uploaded: bytes | BinaryIO, filename: str) -> Table:
    """Read a ``.csv``, ``.txt`` (read as CSV) or ``.xlsx`` file into a :class:`Table`.

    ``uploaded`` is bytes or a binary file-like object (e.g. a Django ``UploadedFile``);
    ``filename`` gives the format. Raises :class:`TableError` for anything unreadable.
    """
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in (".csv", ".txt", ".xlsx"):
        shown = f"« {extension} »" if extension else "fichier sans extension"
        raise TableError(
            f"Format de fichier non pris en charge ({shown}) : "
            "utilisez un fichier CSV ou Excel (.xlsx)."
        )
    if isinstance(uploaded, bytes | bytearray | memoryview):
        data = bytes(uploaded)
    else:
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)  # a form validator may already have read it
        data = uploaded.read()
    if not data.strip():
        raise TableError("Le fichier est vide.")
    if extension == ".xlsx":
        check_xlsx_bounds(data)  # before openpyxl unzips anything
    lines = _xlsx_lines(data) if extension == ".xlsx" else _csv_lines(data)
    return _build_table(lines)


# An XLSX is a zip: 1 MB can unzip to gigabytes (a « zip bomb »). Bounds checked first.
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_ROWS = 300_000
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
CHUNK = 1024 * 1024


def check_xlsx_bounds(data: bytes, max_size=XLSX_MAX_UNCOMPRESSED, max_rows=XLSX_MAX_ROWS):
    """Refuse, in French, an XLSX whose parts unzip to more than `max_size` bytes or whose
    sheets have more than `max_rows` rows, reading the sheets as a stream (never whole).
    Zip reads stop at each part's declared size, so the declared sizes bound the work."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: _xlsx_lines says it is unreadable
    with archive:
        parts = archive.infolist()
        if sum(part.file_size for part in parts) > max_size:
            raise TableError(
                f"Le fichier Excel est trop volumineux une fois décompressé (plus de "
                f"{max_size // (1024 * 1024)} Mo) : découpez-le ou enregistrez-le en CSV."
            )
        sheets = [p for p in parts if re.fullmatch(r"xl/worksheets/[^/]+\.xml", p.filename)]
        if any(_count_rows(archive, sheet) > max_rows for sheet in sheets):
            shown = f"{max_rows:,}".replace(",", " ")
            raise TableError(
                f"Le fichier Excel compte plus de {shown} lignes : "
                "découpez-le en plusieurs fichiers."
            )


def _count_rows(archive, part):
    count, tail = 0, b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                count += len(ROW_TAG.findall(window)) - len(ROW_TAG.findall(tail))
                tail = window[-32:]
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
        return 0  # a damaged part: _xlsx_lines says the file is unreadable
    return count


def _csv_lines(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        text = decode(data)
    except EncodingRefused as refusal:
        raise TableError(str(refusal)) from None
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    # Separators inside quoted fields do not count.
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    separator = max(CSV_SEPARATORS, key=unquoted.count)  # max() keeps the first on ties
    physical = list(io.StringIO(text, newline=""))
    # skipinitialspace: `a; "b; c"` is a quoted field, as a person typing it means.
    reader = csv.reader(physical, delimiter=separator, skipinitialspace=True)
    # A quoted field may span several physical lines, but a spreadsheet shows one row per
    # record: number records, not physical lines.
    line_number = end = 0
    try:
        for line_number, cells in enumerate(reader, start=1):
            start, end = end, reader.line_num
            if end - start > 1 or end == len(physical):
                _check_quotes(physical[start:end], separator, start + 1, multiline=end - start > 1)
            yield line_number, cells
    except csv.Error as exc:
        raise TableError(
            f"Ligne {line_number + 1} : le fichier CSV est mal formé ({exc})."
        ) from exc


def _check_quotes(lines: list[str], separator: str, first_line: int, multiline: bool) -> None:
    """Refuse a record whose quotes are unbalanced.

    The lenient reader would merge the following lines into one cell: an unterminated
    quote swallows the rest of the file, or the lines up to the next quote. A record that
    spans several lines (or ends the file) is read again strictly; a properly quoted
    multi-line cell passes."""
    strict = csv.reader(lines, delimiter=separator, skipinitialspace=True, strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as exc:
        if multiline or "unexpected end of data" in str(exc):
            raise TableError(
                f"Ligne {first_line} : un guillemet (\") n'est pas refermé ou est mal placé ; "
                "les lignes suivantes seraient fusionnées avec celle-ci. Corrigez les "
                "guillemets de cette ligne puis réessayez."
            ) from exc


def _xlsx_value(value) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number like a SIRET must not come back as "…0.0"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def _xlsx_lines(data: bytes) -> list[tuple[int, list]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The stored dimensions may be wrong and would then truncate the sheet.
            sheet.reset_dimensions()
            return [
                (number, [None if value is None else _xlsx_value(value) for value in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        OSError,
        SyntaxError,
    ) as exc:
        # A damaged file fails in many ways (zip, XML, missing parts): one message for all.
        raise TableError(
            "Le fichier Excel est illisible ou endommagé : "
            "enregistrez-le de nouveau au format .xlsx puis réessayez."
        ) from exc


def _clean(cells: list) -> list[str]:
    """Strip each cell and drop trailing empty cells (spreadsheets often leave some)."""
    cleaned = ["" if cell is None else str(cell).strip() for cell in cells]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def _build_table(lines: Iterable[tuple[int, list]]) -> Table:
    table = None
    for line_number, cells in lines:
        cells = _clean(cells)
        if not cells:
            continue
        if table is None:
            table = Table(headers=_check_headers(cells))
            continue
        if len(cells) > len(table.headers):
            raise TableError(
                f"Ligne {line_number} : {len(cells)} valeurs pour {len(table.headers)} colonnes."
            )
        cells += [""] * (len(table.headers) - len(cells))
        table.rows.append((line_number, dict(zip(table.headers, cells, strict=True))))
    if table is None:
        raise TableError("Le fichier est vide.")
    if not table.rows:
        raise TableError("Le fichier ne contient aucune ligne de données.")
    return table


def _check_headers(headers: list[str]) -> list[str]:
    # Rows are dicts keyed by header: a blank or repeated header would lose values.
    seen = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            raise TableError(f"La colonne {get_column_letter(index)} n'a pas d'en-tête.")
        if header in seen:
            raise TableError(f"La colonne « {header} » apparaît plusieurs fois.")
        seen.add(header)
    return headers


# --- Matching headers ----------------------------------------------------------------------


def normalise_header(text: str) -> str:
    """Return ``text`` lower-cased, without accents, with spaces, ``_``, ``-`` and
    apostrophes collapsed to single spaces: "Raison_Sociale" → "raison sociale"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return HEADER_SEPARATORS.sub(" ", bare.lower()).strip()


def match_headers(
    table_headers: Iterable[str], expected: dict[str, list[str]]
) -> tuple[dict[str, str], list[str], list[str]]:
    """Match a file's headers with the expected data.

    ``expected`` maps each canonical key to its accepted header spellings. Returns
    ``(mapping, unknown, missing)``: ``{original header: key}``, the headers matching
    nothing (file order) and the keys matched by no header (``expected`` order).
    Raises :class:`TableError` when a header is ambiguous or a datum is given twice.
    """
    spellings = {key: {normalise_header(s) for s in accepted} for key, accepted in expected.items()}
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in table_headers:
        normalised = normalise_header(header)
        keys = [key for key, accepted in spellings.items() if normalised in accepted]
        if len(keys) > 1:
            # Name the data by their first accepted spelling: keys are not for users.
            names = " et ".join(f"« {expected[key][0]} »" for key in keys)
            raise TableError(f"La colonne « {header} » correspond à plusieurs données : {names}.")
        if not keys:
            unknown.append(header)
            continue
        other = next((h for h, key in mapping.items() if key == keys[0]), None)
        if other is not None:
            raise TableError(f"Les colonnes « {other} » et « {header} » désignent la même donnée.")
        mapping[header] = keys[0]
    missing = [key for key in expected if key not in mapping.values()]
    return mapping, unknown, missing
