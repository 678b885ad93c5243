from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Réseau des partenaires"

    def ready(self):
        from . import signals  # noqa: F401  (connects the security journal)
