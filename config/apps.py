from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """Project-wide checks; `config` holds no models."""

    name = "config"
    label = "project"
    verbose_name = "Parcours TPE"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
