from django.db import models


class OrganisationKind(models.TextChoices):
    COLLECTIVITE = "collectivite", "collectivité"
    FINANCEUR = "financeur", "financeur"
    OPERATEUR = "operateur", "opérateur"
    ASSOCIATION_QPV = "association_qpv", "association en QPV"
    ENTREPRENEURIAT = "entrepreneuriat", "acteur de l'entrepreneuriat"
    UNIVERSITE = "universite", "université"
    RESEAU_INCLUSION = "reseau_inclusion", "réseau d'inclusion numérique"
    LIEU = "lieu", "lieu"
    AUTRE = "autre", "autre"


class Role(models.TextChoices):
    ADMIN = "admin", "administrateur de la structure"
    CONSEILLER = "conseiller", "conseiller"
    LECTEUR = "lecteur", "lecteur"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "un e-mail par évènement"
    WEEKLY = "weekly", "un récapitulatif hebdomadaire"
