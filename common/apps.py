from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What belongs to no domain: files, tables, formatting, journals, admin helpers."""

    name = "common"
    verbose_name = "Commun"
