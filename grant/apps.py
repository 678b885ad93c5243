from django.apps import AppConfig


class GrantConfig(AppConfig):
    name = "grant"
    verbose_name = "Subvention"

    def ready(self):
        from . import figures_cache

        figures_cache.connect()
