from django.db import models


class Stage(models.TextChoices):
    """Where an enterprise stands in the parcours."""

    REPEREE = "reperee", "repérée"
    DIAGNOSTIQUEE = "diagnostiquee", "diagnostiquée"
    ACCOMPAGNEE = "accompagnee", "accompagnée"
    AUTONOME = "autonome", "autonome"
    SORTIE = "sortie", "sortie"


class QpvSource(models.TextChoices):
    POINT = "point", "calculé depuis les coordonnées"
    MANUAL = "manual", "choisi à la main"
    NONE = "none", "hors QPV"


class Source(models.TextChoices):
    """How the enterprise was found (repérage)."""

    SIRENE = "sirene", "extrait SIRENE"
    IMPORT = "import", "import de fichier"
    TERRAIN = "terrain", "repérage terrain"
    PARTENAIRE = "partenaire", "orientée par un partenaire"
    DEMANDE = "demande", "demande de l'entreprise"
    DEMO = "demo", "données de démonstration"


class HeadcountBand(models.TextChoices):
    """INSEE's tranches d'effectifs salariés (the ones a TPE can have, then beyond)."""

    NN = "NN", "non employeuse (NN)"
    T00 = "00", "0 salarié"
    T01 = "01", "1 ou 2 salariés"
    T02 = "02", "3 à 5 salariés"
    T03 = "03", "6 à 9 salariés"
    T11 = "11", "10 à 19 salariés"
    T12 = "12", "20 à 49 salariés"
    T21 = "21", "50 salariés ou plus"
