"""The activity vocabulary's codes become the Coop's API values, its labels the Coop's,
and the Coop's 11 administrative themes are added (issue 16). Activities keep their terms:
rows are renamed in place, never replaced."""

from django.db import migrations

RENAMED = {
    ("thematique", "materiel"): "prendre_en_main_du_materiel",
    ("thematique", "maintenance_materiel"): "maintenance_de_materiel",
    ("thematique", "contenus_numeriques"): "gere_ses_contenus_numeriques",
    ("thematique", "navigation_internet"): "navigation_sur_internet",
    ("thematique", "banque_achats_en_ligne"): "banque_et_achats_en_ligne",
    ("thematique", "scolarite_numerique"): "scolarite_et_numerique",
    ("thematique", "creer_avec_numerique"): "creer_avec_le_numerique",
    ("thematique", "aide_demarches_administratives"): "aide_aux_demarches_administratives",
    ("thematique_administrative", "travail_formation_entreprise"): "travail_formation",
}
LABELS = {
    ("type_lieu", "lieu_activite"): ("Lieu d'activité", "Lieu d’activité"),
    ("materiel", "autre"): ("Autre matériel", "Autre"),
    ("structure_redirection", "administration"): (
        "Administration",
        "Administration (mairie, préfecture…)",
    ),
    ("structure_redirection", "mediation_numerique"): (
        "Médiation numérique",
        "Autre structure de médiation numérique",
    ),
    ("structure_redirection", "operateur_ou_organisme_en_charge"): (
        "Opérateur ou organisme en charge",
        "Opérateur ou organisme en charge de la démarche administrative",
    ),
    ("structure_redirection", "aide_sociale"): (
        "Aide sociale",
        "Structure d’aide sociale (maison des solidarités, centre social…)",
    ),
    ("structure_redirection", "insertion_professionnelle"): (
        "Insertion professionnelle (France Travail, mission locale, chambre de commerce…)",
        "Structure d’insertion professionnelle (France Travail, mission locale, chambre de "
        "commerce…)",
    ),
    ("structure_redirection", "aide_aux_demarches_administratives"): (
        "Aide aux démarches administratives",
        "Structure d’aide aux démarches administratives (France Services…)",
    ),
}
ADMINISTRATIVE = [
    ("papiers_elections_citoyennete", "Papiers - Élections - Citoyenneté"),
    ("famille_scolarite", "Famille - Scolarité"),
    ("social_sante", "Social - Santé"),
    ("travail_formation", "Travail - Formation - Entreprise"),
    ("logement", "Logement"),
    ("transports_mobilite", "Transports - Mobilité"),
    ("argent_impots", "Argent - Impôts"),
    ("justice", "Justice"),
    ("etrangers_europe", "Étrangers - Europe"),
    ("loisirs_sports_culture", "Loisirs - Sports - Culture"),
    ("associations", "Associations"),
]
NOTE = "Coop thematique administrative (API value); chosen with « Aide aux démarches administratives »"


def forward(apps, schema_editor):
    Term = apps.get_model("programme", "Term")
    if not Term.objects.exists():
        return  # a fresh database: load_reference_data writes the new vocabulary
    for (family, old), new in RENAMED.items():
        Term.objects.filter(family=family, code=old).update(code=new)
    # Only labels nobody changed by hand since they were loaded.
    for (family, code), (old, new) in LABELS.items():
        Term.objects.filter(family=family, code=code, label=old).update(label=new)
    for position, (code, label) in enumerate(ADMINISTRATIVE, start=1):
        Term.objects.update_or_create(
            family="thematique_administrative",
            code=code,
            defaults={"label": label, "position": position},
            create_defaults={"label": label, "position": position, "note": NOTE},
        )


def backward(apps, schema_editor):
    Term = apps.get_model("programme", "Term")
    for (family, old), new in RENAMED.items():
        Term.objects.filter(family=family, code=new).update(code=old)
    for (family, code), (old, new) in LABELS.items():
        Term.objects.filter(family=family, code=code, label=new).update(label=old)
    # The administrative themes added stay: activities may use them.


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
