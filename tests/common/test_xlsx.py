"""The XLSX writer: valid XML whatever the text, typed cells, widths, frozen header."""

import datetime
import io
import time
import zipfile
import zoneinfo
from decimal import Decimal
from xml.dom import minidom

import pytest
from openpyxl import load_workbook

from common.tabular import Column, write_xlsx, write_xlsx_book
from common.xlsx import Euros, write_book

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HOSTILE = 'Société\uffff\ufffe\x00\x07\x1b\ud800 =HYPERLINK("http://x")\r\nligne 2'


def sheet_xml(data, number=1):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def test_forbidden_characters_are_dropped_and_every_part_parses():
    columns = [
        Column("Nom\uffff", lambda o: o),
        Column("Date", lambda o: datetime.date(2026, 1, 2)),
    ]
    data = write_xlsx(columns, [HOSTILE] * 48, metadata=[("Filtre\x01", HOSTILE)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            minidom.parseString(archive.read(name))  # raises on any forbidden character
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 + 48
    assert rows[2] == ("Nom", "Date")
    assert rows[3][0] == 'Société =HYPERLINK("http://x")\nligne 2'
    assert rows[0] == ("Filtre", 'Société =HYPERLINK("http://x")\nligne 2')
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A4"].alignment.wrap_text  # a multi-line cell shows its lines


def test_dates_numbers_and_amounts_are_typed_cells():
    created = datetime.datetime(2026, 7, 1, 22, 30, tzinfo=datetime.UTC)  # 00:30 in Paris
    columns = [
        Column("Date", lambda o: datetime.date(2026, 3, 9)),
        Column("Enregistré le", lambda o: created),
        Column("Durée (min)", lambda o: 90),
        Column("Montant TTC (€)", lambda o: Decimal("1234.5")),
        Column("Taux", lambda o: 12.5),
        Column("SIRET", lambda o: 12345678901234, kind="text"),
        Column("Versé", lambda o: 300, kind="euro"),
    ]
    data = write_xlsx(columns, [1], metadata=[("Dépenses (€)", Decimal("10.00")), ("N", 3)])
    sheet = load_workbook(io.BytesIO(data)).active
    row = list(sheet[5])  # two metadata rows, a blank row, the header
    assert row[0].value == datetime.datetime(2026, 3, 9) and row[0].number_format == "dd/mm/yyyy"
    assert row[1].value == datetime.datetime(2026, 7, 2, 0, 30)
    assert row[1].number_format == 'dd/mm/yyyy" à "hh:mm'
    assert row[2].value == 90 and row[2].data_type == "n"
    assert row[3].value == 1234.5 and "€" in row[3].number_format
    assert row[4].value == 12.5
    assert row[5].value == "12345678901234" and row[5].data_type == "s"
    assert row[6].value == 300 and "€" in row[6].number_format
    assert sheet["B1"].value == 10 and "€" in sheet["B1"].number_format
    assert sheet["B2"].value == 3 and sheet["B2"].number_format == "General"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), Decimal("NaN")])
def test_nan_and_infinities_are_refused(value):
    with pytest.raises(ValueError):
        write_xlsx([Column("x", lambda o: value)], [1])


def test_widths_frozen_header_and_autofilter():
    columns = [Column("A", lambda o: "x" * 30), Column("Un en-tête assez long", lambda o: 1)]
    data = write_xlsx(columns, range(5), metadata=[("Export", "test")], sheet_title="Liste")
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.freeze_panes == "A4"  # metadata, blank row, header frozen above
    assert sheet.auto_filter.ref == "A3:B8"
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["B"].width == len("Un en-tête assez long") + 2
    assert (
        "_xlnm._FilterDatabase"
        in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    )


def test_a_sheet_without_header_has_no_filter():
    data = write_xlsx_book([("Métadonnées", [Column("", lambda row: row)], [], [("a", "b")])])
    assert "autoFilter" not in sheet_xml(data) and "pane" not in sheet_xml(data)


def test_euros_is_a_decimal():
    assert Euros("1.5") == Decimal("1.5")


def test_speed_stays_that_of_decision_005():
    """The annex's 840 000 cells took about 2 s (decision 005); typed cells cost no more
    (1 s of CPU for 840 000 here). 280 000 cells must stay well under a second of CPU;
    the bound is loose for a loaded machine, not for a writer gone quadratic."""
    today = datetime.date(2026, 1, 1)
    rows = ([today, "individuel", 90, "lieu_activite", 3, 1, "Structure"] for _ in range(40_000))
    start = time.process_time()
    write_book([("Activités", rows, 0)])
    assert time.process_time() - start < 2
