from django.db import models


class ConventionStatus(models.TextChoices):
    EN_PREPARATION = "en_preparation", "en préparation"
    SIGNEE = "signee", "signée"
    EN_COURS = "en_cours", "en cours"
    SOLDEE = "soldee", "soldée"
