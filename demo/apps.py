from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and national-scale data sets: the top layer, imported by no other app."""

    name = "demo"
    verbose_name = "Démonstration"
