"""Migration 0002_iss16: a database loaded with the old vocabulary gets the Coop's codes,
labels and administrative themes, and its activities keep their terms."""

import importlib

import pytest
from django.apps import apps

from enterprises.models import Activity
from programme.models import Term

from ..factories import ActivityFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("programme.migrations.0002_iss16_coop_vocabulary")


def test_old_codes_are_renamed_in_place_and_the_admin_themes_added():
    Term.objects.all().delete()
    old_theme = Term.objects.create(
        family="thematique", code="aide_demarches_administratives", label="Aide"
    )
    Term.objects.create(family="thematique", code="materiel", label="Prendre en main")
    Term.objects.create(
        family="thematique_administrative",
        code="travail_formation_entreprise",
        label="Travail - Formation - Entreprise",
    )
    Term.objects.create(family="materiel", code="autre", label="Autre matériel")
    kept = Term.objects.create(
        family="structure_redirection", code="aide_sociale", label="Libellé changé à la main"
    )
    activity = ActivityFactory()
    activity.themes.set([old_theme])

    migration.forward(apps, None)

    assert Activity.objects.get().themes.get().code == "aide_aux_demarches_administratives"
    assert Term.objects.filter(family="thematique", code="prendre_en_main_du_materiel").exists()
    admin = Term.objects.filter(family="thematique_administrative")
    assert admin.count() == 11 and admin.filter(code="travail_formation").exists()
    assert Term.objects.get(family="materiel", code="autre").label == "Autre"
    kept.refresh_from_db()
    assert kept.label == "Libellé changé à la main"  # a label edited by hand is kept

    migration.backward(apps, None)
    assert Activity.objects.get().themes.get().code == "aide_demarches_administratives"


def test_a_fresh_database_is_left_to_the_loader():
    Term.objects.all().delete()
    migration.forward(apps, None)
    assert not Term.objects.exists()
