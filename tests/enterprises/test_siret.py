import csv

import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import normalise_siret, validate_siret
from programme.reference import REFERENCE_DIR


def vectors(kind):
    with open(REFERENCE_DIR / "siret_siren_test_vectors.csv", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["type"] == kind]


@pytest.mark.parametrize("row", vectors("siret"), ids=lambda row: row["number"])
def test_siret_vectors(row):
    if row["expected_valid"] == "True":
        validate_siret(row["number"])
    else:
        with pytest.raises(ValidationError):
            validate_siret(row["number"])


def test_spaces_and_dots_are_removed():
    assert normalise_siret("732 829 320.00074") == "73282932000074"
    validate_siret("732 829 320 00074")
