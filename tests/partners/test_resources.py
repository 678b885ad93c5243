"""Organisations in the admin: « Importer / Exporter » (django-import-export)."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.resources import FrenchCSV
from partners.enums import OrganisationKind
from partners.models import Organisation
from partners.resources import OrganisationResource

from ..factories import OrganisationFactory, text

pytestmark = pytest.mark.django_db


def upload(client, content):
    """Send a CSV through the admin's import page (format 0: CSV)."""
    return client.post(
        reverse("admin:partners_organisation_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("structures.csv", content.encode("utf-8")),
        },
    )


def test_the_list_offers_import_and_export(client, staff):
    client.force_login(staff)
    page = text(client.get(reverse("admin:partners_organisation_changelist")))
    assert "Importer" in page and "Exporter" in page


def test_export_of_the_organisations(client, staff):
    OrganisationFactory(name="Axents", kind=OrganisationKind.OPERATEUR, website="https://a.fr")
    client.force_login(staff)
    response = client.post(
        reverse("admin:partners_organisation_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"organisationresource_{f}": "on"
                for f in ["name", "kind", "description", "email", "website", "is_active"]
            },
        },
    )
    assert response.status_code == 200
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffNom;Type;Rôle dans le programme;")
    assert "Axents;opérateur;;;https://a.fr;Oui" in content


def test_round_trip_then_changes_in_the_file(client, staff):
    OrganisationFactory(name="Axents", kind=OrganisationKind.OPERATEUR, description="ateliers")
    exported = FrenchCSV().export_data(OrganisationResource().export())
    changed = (
        exported.replace("ateliers", "ateliers et suivi") + "Nouvelle structure;opérateur;;;;Oui\n"
    )
    client.force_login(staff)
    preview = text(upload(client, changed))
    assert "Nouvelle structure" in preview
    assert Organisation.objects.count() == 2  # the dry run wrote nothing
    assert not Organisation.objects.filter(name="Nouvelle structure").exists()
    # Confirming is the real run, from the file the preview kept.
    result = OrganisationResource().import_data(FrenchCSV().create_dataset(changed), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Organisation.objects.get(name="Axents").description == "ateliers et suivi"
    assert Organisation.objects.get(name="Nouvelle structure").kind == OrganisationKind.OPERATEUR


def test_a_wrong_file_shows_every_error_in_french_and_writes_nothing(client, staff):
    client.force_login(staff)
    before = Organisation.objects.count()
    page = text(
        upload(
            client,
            "Nom;Type;Active\n"
            "Bonne structure;opérateur;Oui\n"
            "Structure inconnue;club de pétanque;Oui\n"
            ";opérateur;Oui\n",
        )
    )
    assert "« club de pétanque » n'est pas une valeur possible" in page
    assert "Ce champ ne peut pas être vide." in page
    assert "Confirmer l" not in page  # no way to run an import with errors
    assert Organisation.objects.count() == before


def test_a_real_run_with_errors_rolls_back():
    dataset = tablib.Dataset(headers=["Nom", "Type"])
    dataset.append(["Bonne structure", "opérateur"])
    dataset.append(["", "opérateur"])
    result = OrganisationResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not Organisation.objects.filter(name="Bonne structure").exists()
