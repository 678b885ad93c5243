"""The programme's tables in the admin: places and actions imported and exported, NAF
codes and QPVs exported only."""

import pytest
import tablib
from django.urls import reverse

from common.resources import FrenchCSV
from programme.enums import PlaceKind
from programme.models import Action, Place, Qpv
from programme.resources import ActionResource, NafCodeResource, PlaceResource, QpvResource

from ..factories import ActionFactory, OrganisationFactory, PlaceFactory, text

pytestmark = pytest.mark.django_db


def csv(resource):
    return FrenchCSV().export_data(resource.export())


def test_places_export_and_import_by_name(reference_data):
    qpv = Qpv.objects.filter(generation=2015).first()
    tiers_lieu = OrganisationFactory(name="Tiers-lieu")
    PlaceFactory(name="=Salle", kind=PlaceKind.TIERS_LIEU, organisation=tiers_lieu, qpv=qpv)
    exported = csv(PlaceResource())
    assert exported.startswith("\ufeffNom;Type;Structure;Adresse;Code postal;Commune;Code QPV;")
    assert "'=Salle;tiers-lieu;Tiers-lieu;" in exported and f";{qpv.code};Oui" in exported
    dataset = tablib.Dataset(headers=["Nom", "Type", "Structure", "Code QPV"])
    dataset.append(["Médiathèque", "lieu d'inclusion numérique", "Tiers-lieu", qpv.code])
    dataset.append(["Ailleurs", "tiers-lieu", "Structure fantôme", ""])
    result = PlaceResource().import_data(dataset, dry_run=True)
    errors = [str(e) for row in result.invalid_rows for e in row.error_dict.values()]
    assert any("« Structure fantôme » : introuvable parmi les structures" in e for e in errors)
    dataset.pop()
    result = PlaceResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    place = Place.objects.get(name="Médiathèque")
    assert (place.kind, place.organisation, place.qpv) == (
        PlaceKind.LIEU_INCLUSION,
        tiers_lieu,
        qpv,
    )


def test_actions_export_and_import_by_programme_and_code():
    action = ActionFactory(name="Ateliers", code="ateliers")
    exported = csv(ActionResource())
    assert exported.startswith("\ufeffProgramme (code);Code;Ordre;Intitulé;")
    assert f"{action.programme.code};ateliers;" in exported
    result = ActionResource().import_data(
        FrenchCSV().create_dataset(exported.replace("Ateliers", "Ateliers collectifs")),
        dry_run=False,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Action.objects.get().name == "Ateliers collectifs"


def test_naf_and_qpv_are_exported_with_french_dates(reference_data):
    naf = csv(NafCodeResource())
    assert naf.startswith("\ufeffCode NAF;Libellé;Section;Libellé de la section")
    assert naf.count("\n") == 733  # the header and the 732 sub-classes
    qpv = csv(QpvResource())
    assert "QP034004" in qpv and "01/01/2015" in qpv and "2015-01-01" not in qpv


def test_naf_and_qpv_offer_export_only(client, staff, reference_data):
    client.force_login(staff)
    for model in ("nafcode", "qpv"):
        page = text(client.get(reverse(f"admin:programme_{model}_changelist")))
        assert "Exporter" in page and "Importer" not in page
    for model in ("place", "action"):
        page = text(client.get(reverse(f"admin:programme_{model}_changelist")))
        assert "Exporter" in page and "Importer" in page
