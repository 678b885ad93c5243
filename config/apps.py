from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """Project-wide checks; `config` holds no models."""

    name = "config"
    label = "project"
    verbose_name = "Parcours TPE"

    def ready(self):
        from allauth.mfa.models import Authenticator
        from django.apps import apps

        from . import checks  # noqa: F401  (registers the system checks)

        # allauth's two-factor model has no French names: the admin showed « MFA ›
        # Authenticators ». Name it in French here (no migration: names are not stored).
        apps.get_app_config("mfa").verbose_name = "double authentification"
        Authenticator._meta.verbose_name = "moyen de double authentification"
        Authenticator._meta.verbose_name_plural = "moyens de double authentification"
