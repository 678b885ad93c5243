import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from common.tabular import (
    Column,
    Table,
    TableError,
    escape_cell,
    export_rows,
    match_headers,
    normalise_header,
    read_table,
    write_csv,
    write_xlsx,
)

DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
COLUMNS = [
    Column("Raison sociale", lambda o: o["name"]),
    Column("Montant", lambda o: o["amount"]),
    Column("Actif", lambda o: o["active"]),
]
METADATA = [("Exporté par", "Camille Roux"), ("Le", "27/11/2026 22:10"), ("Filtres", "=1+1")]


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- escape_cell ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_escape_cell_prefixes_every_formula_trigger(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Société", "", " =x", "1-2", "a=b", "'déjà"])
def test_escape_cell_leaves_harmless_strings_alone(value):
    assert escape_cell(value) == value


def test_escape_cell_converts_other_values():
    paris_evening = datetime.datetime(2026, 11, 27, 21, 10, tzinfo=datetime.UTC)
    assert escape_cell(None) == ""
    assert escape_cell(True) == "Oui"
    assert escape_cell(False) == "Non"
    assert escape_cell(paris_evening) == "27/11/2026 22:10"  # UTC+1 in winter
    summer = datetime.datetime(2026, 7, 1, 22, 30, tzinfo=datetime.UTC)
    assert escape_cell(summer) == "02/07/2026 00:30"  # UTC+2, and the date changes
    new_york = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert escape_cell(new_york) == "05/01/2026 14:00"
    assert escape_cell(datetime.date(2026, 3, 9)) == "09/03/2026"
    assert escape_cell(Decimal("40000.00")) == Decimal("40000.00")
    assert isinstance(escape_cell(Decimal("1.5")), Decimal)
    assert escape_cell(-3) == -3
    assert escape_cell(2.5) == 2.5


def test_export_rows_escapes_each_value():
    objects = [{"name": "=cmd", "amount": Decimal("12.50"), "active": True}]
    assert list(export_rows(COLUMNS, objects)) == [["'=cmd", Decimal("12.50"), "Oui"]]


# --- write_csv -----------------------------------------------------------------------------


def test_write_csv_bom_separator_crlf_and_decimal_comma():
    objects = [
        {"name": "Dupont; fils", "amount": Decimal("40000.00"), "active": True},
        {"name": "Martin", "amount": 1234.5, "active": False},
        {"name": "Durand", "amount": 7, "active": None},
        {"name": "Petit", "amount": Decimal("1E+3"), "active": False},
    ]
    data = write_csv(COLUMNS, objects)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Raison sociale;Montant;Actif\r\n"
        '"Dupont; fils";40000,00;Oui\r\n'
        "Martin;1234,5;Non\r\n"
        "Durand;7;\r\n"
        "Petit;1000;Non\r\n"
    )


def test_write_csv_escapes_dangerous_values():
    objects = [{"name": value, "amount": 0, "active": False} for value in DANGEROUS]
    text = write_csv(COLUMNS, objects).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["'" + value for value in DANGEROUS]


def test_write_csv_metadata_rows_come_first():
    objects = [{"name": "Martin", "amount": 1, "active": True}]
    lines = write_csv(COLUMNS, objects, metadata=METADATA).decode("utf-8-sig").split("\r\n")
    assert lines == [
        "Exporté par;Camille Roux",
        "Le;27/11/2026 22:10",
        "Filtres;'=1+1",
        "",
        "Raison sociale;Montant;Actif",
        "Martin;1;Oui",
        "",
    ]


# --- write_xlsx ----------------------------------------------------------------------------


def test_write_xlsx_round_trip_has_no_formula():
    objects = [{"name": value, "amount": Decimal("12.50"), "active": True} for value in DANGEROUS]
    objects.append({"name": "Société\x01", "amount": 3, "active": None})
    data = write_xlsx(COLUMNS, objects, metadata=METADATA, sheet_title="Entreprises")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Entreprises"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[:3] == [
        ["Exporté par", "Camille Roux", None],
        ["Le", "27/11/2026 22:10", None],
        ["Filtres", "=1+1", None],  # an inline string, never a formula: no apostrophe
    ]
    assert values[3] == [None, None, None]
    assert values[4] == ["Raison sociale", "Montant", "Actif"]
    # A lone CR is written as a line feed, which spreadsheets show as a line break.
    assert [row[0] for row in values[5:11]] == [v.replace("\r", "\n") for v in DANGEROUS]
    assert values[5][1:] == [12.5, "Oui"]
    assert values[11] == ["Société", 3, None]  # control character dropped, "" reads as None
    assert sheet["A5"].font.bold
    assert not sheet["A6"].font.bold


def test_write_xlsx_without_metadata_and_long_title():
    data = write_xlsx(COLUMNS, [], sheet_title="Entreprises accompagnées : 2026/2027 [QPV]")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Entreprises accompagnées - 2026"
    assert len(sheet.title) <= 31
    assert [c.value for c in sheet[1]] == ["Raison sociale", "Montant", "Actif"]
    assert sheet["A1"].font.bold


# --- read_table: CSV -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        "SIRET;Raison sociale\r\n123;Dupont\r\n",
        "SIRET,Raison sociale\n123,Dupont\n",
        "\ufeffSIRET;Raison sociale\n123;Dupont\n",
        "SIRET\tRaison sociale\n123\tDupont\n",
    ],
)
def test_read_csv_separators_and_bom(content):
    table = read_table(content.encode(), "import.csv")
    assert table == Table(
        headers=["SIRET", "Raison sociale"],
        rows=[(2, {"SIRET": "123", "Raison sociale": "Dupont"})],
    )


def test_read_csv_separators_inside_quoted_headers_do_not_count():
    data = '"Nom, prénom, titre";SIRET\n"Roux, Camille, Mme";123\n'.encode()
    table = read_table(data, "f.csv")
    assert table.rows == [(2, {"Nom, prénom, titre": "Roux, Camille, Mme", "SIRET": "123"})]


def test_read_csv_windows_1252():
    data = "Raison sociale;Ville\nSociété Générale;Montpellier\n".encode("cp1252")
    table = read_table(data, "IMPORT.TXT")
    assert table.rows == [(2, {"Raison sociale": "Société Générale", "Ville": "Montpellier"})]


def test_read_csv_utf16_from_excel_unicode_text():
    data = "Nom\tVille\nCafé\tLattes\n".encode("utf-16")
    assert read_table(data, "export.txt").rows == [(2, {"Nom": "Café", "Ville": "Lattes"})]


def test_read_csv_quoted_fields_and_stripping():
    data = (
        'Nom;"Adresse; complète";Note\n'
        '  "Dupont, fils" ; "1 rue ""A""; 34000" ;\n'
        '"Martin";"2 rue B";"ligne 1\nligne 2"\n'
        "Durand;x\n"
    ).encode()
    table = read_table(data, "f.csv")
    assert table.headers == ["Nom", "Adresse; complète", "Note"]
    assert table.rows == [
        (2, {"Nom": "Dupont, fils", "Adresse; complète": '1 rue "A"; 34000', "Note": ""}),
        (3, {"Nom": "Martin", "Adresse; complète": "2 rue B", "Note": "ligne 1\nligne 2"}),
        (4, {"Nom": "Durand", "Adresse; complète": "x", "Note": ""}),
    ]


def test_read_csv_headers_in_another_order_and_spelling():
    data = "raison_sociale;N° SIRET\nDupont;123\n".encode()
    table = read_table(io.BytesIO(data), "f.csv")
    mapping, unknown, missing = match_headers(
        table.headers, {"siret": ["SIRET", "N° SIRET"], "name": ["Raison sociale"]}
    )
    assert mapping == {"raison_sociale": "name", "N° SIRET": "siret"}
    assert (unknown, missing) == ([], [])
    assert {mapping[h]: v for h, v in table.rows[0][1].items()} == {
        "name": "Dupont",
        "siret": "123",
    }


def test_read_csv_line_numbers_skip_blank_rows():
    data = b"A;B\n1;2\n\n;\n   ;  \n3;4\n"
    table = read_table(data, "f.csv")
    assert table.rows == [(2, {"A": "1", "B": "2"}), (6, {"A": "3", "B": "4"})]


def test_read_csv_trailing_empty_cells_are_ignored():
    table = read_table(b"A;B;;\n1;2;;\n", "f.csv")
    assert table.rows == [(2, {"A": "1", "B": "2"})]


def test_read_csv_too_many_values():
    with pytest.raises(TableError) as excinfo:
        read_table(b"A;B\n1;2\n1;2;3\n", "f.csv")
    assert str(excinfo.value) == "Ligne 3 : 3 valeurs pour 2 colonnes."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"  \r\n\r\n", "Le fichier est vide."),
        (b"\xef\xbb\xbf", "Le fichier est vide."),
        (b";;\n", "Le fichier est vide."),
        (b"SIRET;Nom\r\n", "Le fichier ne contient aucune ligne de données."),
        (b"SIRET;Nom\n;\n\n", "Le fichier ne contient aucune ligne de données."),
        (b"SIRET;;Nom\n1;;2\n", "La colonne B n'a pas d'en-tête."),
        (b"Nom;Nom\n1;2\n", "La colonne « Nom » apparaît plusieurs fois."),
    ],
)
def test_read_csv_errors(data, message):
    with pytest.raises(TableError) as excinfo:
        read_table(data, "f.csv")
    assert str(excinfo.value) == message


def test_read_csv_undecodable():
    with pytest.raises(TableError, match="Encodage du fichier non reconnu"):
        read_table(b"Nom\n\x81\xff\n", "f.csv")


def test_read_file_object_is_rewound():
    upload = io.BytesIO(b"A\n1\n")
    upload.read()
    assert read_table(upload, "f.csv").rows == [(2, {"A": "1"})]


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        (
            "liste.xls",
            "Format de fichier non pris en charge (« .xls ») : "
            "utilisez un fichier CSV ou Excel (.xlsx).",
        ),
        (
            "liste.ods",
            "Format de fichier non pris en charge (« .ods ») : "
            "utilisez un fichier CSV ou Excel (.xlsx).",
        ),
        (
            "liste",
            "Format de fichier non pris en charge (fichier sans extension) : "
            "utilisez un fichier CSV ou Excel (.xlsx).",
        ),
    ],
)
def test_read_wrong_extension(filename, message):
    with pytest.raises(TableError) as excinfo:
        read_table(b"A\n1\n", filename)
    assert str(excinfo.value) == message


# --- read_table: XLSX ----------------------------------------------------------------------


def test_read_xlsx_values():
    data = xlsx_bytes(
        [
            [" SIRET ", "Montant", "Taux", "Date", "Heure", "Actif", "Nom"],
            [12345678901234, 40000, 2.5, datetime.date(2026, 3, 9), None, True, "  Dupont  "],
            [None, None, None, None, None, None, None],
            [1e16, -3, 0.1, None, datetime.datetime(2026, 3, 9, 14, 5), False, None],
        ]
    )
    table = read_table(data, "import.xlsx")
    assert table.headers == ["SIRET", "Montant", "Taux", "Date", "Heure", "Actif", "Nom"]
    assert table.rows == [
        (
            2,
            {
                "SIRET": "12345678901234",
                "Montant": "40000",
                "Taux": "2.5",
                "Date": "2026-03-09",
                "Heure": "",
                "Actif": "Oui",
                "Nom": "Dupont",
            },
        ),
        (
            4,
            {
                "SIRET": "10000000000000000",  # stored as "1e+16"
                "Montant": "-3",
                "Taux": "0.1",
                "Date": "",
                "Heure": "2026-03-09 14:05",
                "Actif": "Non",
                "Nom": "",
            },
        ),
    ]


def test_read_xlsx_reads_the_first_sheet_and_cached_formula_values():
    workbook = Workbook()
    workbook.active.append(["A", "B"])
    workbook.active.append(["x", "=1+1"])
    workbook.create_sheet("Autre").append(["Z"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "f.xlsx")
    # openpyxl stores no computed value: the formula must not leak in as text.
    assert table.rows == [(2, {"A": "x", "B": ""})]


def test_read_xlsx_too_many_values_and_header_only():
    with pytest.raises(TableError, match=r"^Ligne 3 : 3 valeurs pour 2 colonnes\.$"):
        read_table(xlsx_bytes([["A", "B"], [1, 2], [1, 2, 3]]), "f.xlsx")
    with pytest.raises(TableError, match=r"^Le fichier ne contient aucune ligne de données\.$"):
        read_table(xlsx_bytes([["A", "B"]]), "f.xlsx")
    with pytest.raises(TableError, match=r"^Le fichier est vide\.$"):
        read_table(xlsx_bytes([]), "f.xlsx")


@pytest.mark.parametrize(
    "data", [b"not a zip", b"PK\x03\x04broken", xlsx_bytes([["A"], [1]])[:400]]
)
def test_read_corrupt_xlsx(data):
    with pytest.raises(TableError, match=r"^Le fichier Excel est illisible ou endommagé"):
        read_table(data, "f.xlsx")


def test_xlsx_export_reads_back():
    objects = [{"name": "-Dupont", "amount": Decimal("12.50"), "active": False}]
    table = read_table(write_xlsx(COLUMNS, objects), "export.xlsx")
    assert table.rows == [(2, {"Raison sociale": "-Dupont", "Montant": "12.5", "Actif": "Non"})]


def test_csv_export_reads_back():
    objects = [{"name": "Société", "amount": 1, "active": True}]
    table = read_table(write_csv(COLUMNS, objects), "export.csv")
    assert table.rows == [(2, {"Raison sociale": "Société", "Montant": "1", "Actif": "Oui"})]


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Raison   sociale ", "raison sociale"),
        ("RAISON_SOCIALE", "raison sociale"),
        ("raison-sociale", "raison sociale"),
        ("Numéro SIRET", "numero siret"),
        ("Date d’immatriculation", "date d immatriculation"),
        ("Date d'immatriculation", "date d immatriculation"),
        ("CHIFFRE  _- D'AFFAIRES", "chiffre d affaires"),
        ("Élève\tÂgé", "eleve age"),
        ("", ""),
    ],
)
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


EXPECTED = {"siret": ["SIRET", "N° SIRET"], "name": ["Raison sociale", "Dénomination"]}


def test_match_headers_unknown_and_missing():
    mapping, unknown, missing = match_headers(["Commentaire", "DENOMINATION", "Ville"], EXPECTED)
    assert mapping == {"DENOMINATION": "name"}
    assert unknown == ["Commentaire", "Ville"]
    assert missing == ["siret"]


def test_match_headers_all_found():
    mapping, unknown, missing = match_headers(["raison sociale", " n° siret "], EXPECTED)
    assert mapping == {"raison sociale": "name", " n° siret ": "siret"}
    assert unknown == missing == []


def test_match_headers_two_columns_for_the_same_data():
    with pytest.raises(TableError) as excinfo:
        match_headers(["SIRET", "Raison sociale", "N° SIRET"], EXPECTED)
    assert str(excinfo.value) == "Les colonnes « SIRET » et « N° SIRET » désignent la même donnée."


def test_match_headers_header_matching_two_data():
    expected = {"city": ["Ville"], "town": ["Commune", "VILLE"]}
    with pytest.raises(TableError) as excinfo:
        match_headers(["ville"], expected)
    assert str(excinfo.value) == (
        "La colonne « ville » correspond à plusieurs données : « Ville » et « Commune »."
    )


def test_the_streaming_xlsx_writer_reads_back_with_openpyxl():
    """common.xlsx writes SpreadsheetML itself: openpyxl must read back exactly what went
    in, typed, with the header in bold and every sheet named."""
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from common.xlsx import column_letters, write_book

    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    wide = [f"c{i}" for i in range(30)]
    content = write_book(
        [
            ("Données & « tests »", iter([["Nom", "Montant"], ["'=1+1", Decimal("12.50")]]), 0),
            ("Large", [wide, list(range(30))], None),
            ("Divers", [["a\x00b\x1fc", True, 3.25, "", None, "<b>&amp;</b>", "é\nligne"]], None),
            ("Long", [["x" * 40000]], None),
        ]
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Données & « tests »", "Large", "Divers", "Long"]
    first = book["Données & « tests »"]
    assert [[c.value for c in row] for row in first.iter_rows()] == [
        ["Nom", "Montant"],
        ["'=1+1", 12.5],
    ]
    assert first["A1"].font.b and not first["A2"].font.b
    assert first["A2"].data_type == "s"  # a string stays a string, never a formula
    large = book["Large"]
    assert large["AD1"].value == "c29" and large["AD2"].value == 29
    row = [c.value for c in book["Divers"][1]]
    assert row == ["abc", "Oui", 3.25, None, None, "<b>&amp;</b>", "é\nligne"]
    assert len(book["Long"]["A1"].value) == 32767  # Excel's limit for a cell
