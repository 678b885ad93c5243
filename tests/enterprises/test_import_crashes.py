"""Imports never crash: each value that used to answer 500 (or print a traceback, or
import garbage) is now a French row error at the preview (issue 17, item 4)."""

import io
import os
import tempfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.tabular import TableError, read_table
from enterprises.imports.tables import apply_import, prepare_import
from enterprises.models import Enterprise

from ..factories import text, valid_siret

pytestmark = pytest.mark.django_db

HEADER = (
    "SIRET;Raison sociale;Effectif;Chiffre d'affaires;Date de création;Code postal;"
    "Latitude;Longitude"
)


def row(n, name="ENTREPRISE", headcount="2", turnover="180000", created="15/03/2015", **kw):
    postcode = kw.get("postcode", "34080")
    lat, lon = kw.get("lat", "43,6321"), kw.get("lon", "3,8200")
    return f"{valid_siret(n)};{name} {n};{headcount};{turnover};{created};{postcode};{lat};{lon}"


def csv_file(*lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _write(content, suffix=".csv"):
    descriptor, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return name


CRASHES = [
    (row(3, name="N" * 300), "Raison sociale", "255 caractères au plus"),
    (row(3, headcount="99 999 999 999"), "Effectif", "effectif trop grand"),
    (row(3, turnover="1e20"), "Chiffre d'affaires", "montant trop grand"),
    (row(3, turnover="1e30"), "Chiffre d'affaires", "montant trop grand"),
    (row(3, turnover="NaN"), "Chiffre d'affaires", "n'est pas un nombre"),
    (row(3, turnover="Infinity"), "Chiffre d'affaires", "n'est pas un nombre"),
    (row(3, turnover="-inf"), "Chiffre d'affaires", "n'est pas un nombre"),
    (row(3, headcount="NaN"), "Effectif", "n'est pas un nombre"),
    (row(3, lat="NaN"), "Latitude", "n'est pas un nombre"),
    (row(3, lat="1e30"), "Latitude", "hors limites"),
    (row(3, turnover="180000,125"), "Chiffre d'affaires", "deux décimales au plus"),
    (row(3, name="BOU\x00LANGERIE"), "Raison sociale", "caractère de contrôle invisible (U+0000)"),
    (row(3, name="BOU\x07LANGERIE"), "Raison sociale", "caractère de contrôle invisible (U+0007)"),
    (row(3, created="31/12/9999"), "Date de création", "date dans le futur"),
    (row(3, created="01/01/0001"), "Date de création", "impossible"),
    (row(3, postcode="ABCDE"), "Code postal", "code postal à 5 chiffres attendu"),
    (row(3, lat="14,6", lon="3,8"), "Latitude", "hors limites de la France métropolitaine"),
    (row(3, lat="43,6", lon="-61,0"), "Longitude", "hors limites de la France métropolitaine"),
]


@pytest.mark.parametrize(("bad_line", "column", "reason"), CRASHES)
def test_a_value_the_database_cannot_hold_is_a_row_error_at_the_preview(
    reference_data, bad_line, column, reason
):
    prepared = prepare_import(csv_file(row(1), row(2), bad_line), "tpe.csv")
    assert not prepared.ok
    [message] = prepared.messages()
    assert message.startswith(f"Ligne 4, colonne « {column} » : ") and reason in message


@pytest.mark.parametrize(("bad_line", "column", "reason"), CRASHES[:6] + CRASHES[11:12])
def test_the_admin_preview_answers_in_french_and_nothing_is_written(
    reference_data, client, staff, bad_line, column, reason
):
    client.force_login(staff)
    upload = SimpleUploadedFile("tpe.csv", csv_file(row(1), bad_line), content_type="text/csv")
    preview = client.post(reverse("admin:enterprises_import"), {"file": upload})
    assert preview.status_code == 200
    assert f"Ligne 3, colonne « {column} » : " in text(preview)
    assert "token" not in preview.context or not preview.context["token"]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("bad_line", "column", "reason"), CRASHES[:4] + CRASHES[11:12])
def test_the_command_prints_french_errors_not_a_traceback(reference_data, bad_line, column, reason):
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command(
            "import_enterprises",
            _write(csv_file(row(1), bad_line)),
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert f"Ligne 3, colonne « {column} » : " in stderr.getvalue()
    assert not Enterprise.objects.exists()


def test_values_at_the_limits_are_imported(reference_data):
    limits = row(1, name="N" * 253, headcount="2147483647", turnover="999 999 999 999,99")
    prepared = prepare_import(csv_file(limits), "tpe.csv")
    assert prepared.ok, prepared.messages()
    assert apply_import(prepared) == (1, 0)
    enterprise = Enterprise.objects.get()
    assert len(enterprise.name) == 255 and enterprise.headcount == 2_147_483_647
    assert str(enterprise.turnover) == "999999999999.99"


def test_an_unterminated_quote_is_an_error_not_two_merged_rows(reference_data):
    content = csv_file(row(1).replace("ENTREPRISE 1", '"ENTREPRISE 1'), row(2), row(3))
    prepared = prepare_import(content, "tpe.csv")
    assert not prepared.ok
    assert "Ligne 2 : un guillemet (\") n'est pas refermé" in prepared.messages()[0]


def test_an_unterminated_quote_closed_by_a_later_quote_is_an_error():
    data = b'A;B\n1;"x\n2;"y";z\n3;w\n'
    with pytest.raises(TableError, match="Ligne 2 : un guillemet"):
        read_table(data, "f.csv")


def test_a_quoted_cell_on_several_lines_is_still_one_cell():
    table = read_table(b'A;B\n1;"x\ny"\n2;z\n', "f.csv")
    assert table.rows == [(2, {"A": "1", "B": "x\ny"}), (3, {"A": "2", "B": "z"})]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(encoding):
    data = "SIRET;Raison sociale\n123;Café Élysée\n".encode(encoding)
    table = read_table(data, "f.csv")
    assert table.rows == [(2, {"SIRET": "123", "Raison sociale": "Café Élysée"})]


def test_utf8_without_bom_is_read():
    data = "SIRET;Raison sociale\n123;Café Élysée\n".encode()
    expected = [(2, {"SIRET": "123", "Raison sociale": "Café Élysée"})]
    assert read_table(data, "f.csv").rows == expected


def test_shift_jis_is_refused_by_name():
    # This text is also valid Windows-1252, so it used to import as mojibake.
    data = "SIRET;Raison sociale\n73282932000074;テスト株式会社\n".encode("shift_jis")
    data.decode("cp1252")  # the trap: it decodes without error
    with pytest.raises(TableError, match=r"encodé en Shift-JIS \(japonais\)"):
        read_table(data, "f.csv")


def test_french_windows_1252_with_typographic_signs_is_still_read():
    data = "Raison sociale;Note\nŒuvre « Été » – 12 €;l’atelier…\n".encode("cp1252")
    assert read_table(data, "f.csv").rows == [
        (2, {"Raison sociale": "Œuvre « Été » – 12 €", "Note": "l’atelier…"})
    ]


def test_an_xlsx_with_values_the_database_cannot_hold_is_refused_by_row(reference_data):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["SIRET", "Raison sociale", "Chiffre d'affaires", "Effectif"])
    sheet.append([valid_siret(1), "N" * 300, 1e20, 99_999_999_999])
    sheet.append([valid_siret(2), "BOULANGERIE\x7f", 1.5e30, 2])
    buffer = io.BytesIO()
    book.save(buffer)
    prepared = prepare_import(buffer.getvalue(), "tpe.xlsx")
    assert prepared.messages() == [
        "Ligne 2, colonne « Raison sociale » : 255 caractères au plus (300 dans la cellule)",
        "Ligne 2, colonne « Chiffre d'affaires » : montant trop grand "
        "(au plus 999\u202f999\u202f999\u202f999,99 €)",
        "Ligne 2, colonne « Effectif » : effectif trop grand "
        "(au plus 2\u202f147\u202f483\u202f647)",
        "Ligne 3, colonne « Raison sociale » : caractère de contrôle invisible (U+007F) "
        "refusé : retirez-le",
        "Ligne 3, colonne « Chiffre d'affaires » : montant trop grand "
        "(au plus 999\u202f999\u202f999\u202f999,99 €)",
    ]
