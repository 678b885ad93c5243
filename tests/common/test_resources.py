"""common/resources.py: the project's rules applied to django-import-export."""

import io

import openpyxl
import pytest
import tablib
from import_export.formats.base_formats import XLSX

from common.resources import FrenchCSV, unescape_cell
from partners.models import Organisation
from partners.resources import OrganisationResource

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+33 4 67", "-2", "@SUM(A1)", "\tcaché", "\rretour"]


def test_every_exported_cell_goes_through_the_formula_escaping():
    for index, text in enumerate(DANGEROUS):
        OrganisationFactory(name=f"{text} {index}", description=text, email="")
    dataset = OrganisationResource().export()
    assert dataset.headers[:3] == ["Nom", "Type", "Rôle dans le programme"]
    rows = {row[0]: row for row in dataset}
    for index, text in enumerate(DANGEROUS):
        row = rows["'" + f"{text} {index}"]
        assert row[2] == "'" + text
    # The same cells in the XLSX a staff member downloads: text, not formulas.
    sheet = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(dataset))).active
    names = {sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)}
    assert "'=1+1 0" in names and not any(str(n).startswith("=") for n in names)


def test_csv_for_french_spreadsheets_and_read_back_with_either_separator():
    OrganisationFactory(name="Axents", description="Ateliers; accompagnement")
    text = FrenchCSV().export_data(OrganisationResource().export())
    assert text.startswith("\ufeffNom;Type;")
    assert '"Ateliers; accompagnement"' in text
    back = FrenchCSV().create_dataset(text.encode("utf-8"))
    assert back.headers[0] == "Nom" and back[0][2] == "Ateliers; accompagnement"
    commas = FrenchCSV().create_dataset("Nom,Type\nAxents,opérateur\n")
    assert commas.headers == ["Nom", "Type"] and commas[0] == ("Axents", "opérateur")


def test_an_escaped_cell_reads_back_as_it_was():
    assert unescape_cell("'=1+1") == "=1+1"
    assert unescape_cell("'Aujourd'hui") == "'Aujourd'hui"  # not a formula guard
    OrganisationFactory(name="=1+1", description="-2")
    dataset = OrganisationResource().export()
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.description) == ("=1+1", "-2")


def test_an_import_with_an_error_writes_nothing_even_for_good_rows():
    dataset = tablib.Dataset(headers=["Nom", "Type", "Active"])
    dataset.append(["Bonne structure", "opérateur", "Oui"])
    dataset.append(["Mauvaise structure", "opérateur", "Peut-être"])
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not Organisation.objects.exists()
