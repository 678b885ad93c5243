from django.db import models


class QpvGeneration(models.IntegerChoices):
    G2015 = 2015, "2015 (décret 2014-1750)"
    G2024 = 2024, "2024 (décret 2023-1314)"


class TermFamily(models.TextChoices):
    """Families of the activity vocabulary (reference_data/activity_vocabulary.csv)."""

    TYPE_ACTIVITE = "type_activite", "type d'activité"
    TYPE_LIEU = "type_lieu", "type de lieu"
    DUREE_TRANCHE = "duree_tranche", "tranche de durée"
    MATERIEL = "materiel", "matériel utilisé"
    AUTONOMIE = "autonomie", "autonomie"
    NIVEAU_ATELIER = "niveau_atelier", "niveau d'atelier"
    STRUCTURE_REDIRECTION = "structure_redirection", "structure de redirection"
    THEMATIQUE = "thematique", "thématique"
    THEMATIQUE_ADMINISTRATIVE = "thematique_administrative", "thématique administrative"
    THEMATIQUE_TPE = "thematique_tpe", "sous-thématique TPE"
    ASSIGNMENT_STATUS = "assignment_status", "statut d'orientation"


class PlaceKind(models.TextChoices):
    TIERS_LIEU = "tiers_lieu", "tiers-lieu"
    LIEU_INCLUSION = "lieu_inclusion", "lieu d'inclusion numérique"
    LOCAL_PARTENAIRE = "local_partenaire", "locaux d'un partenaire"
    AUTRE = "autre", "autre"
