from django.apps import AppConfig


class GrantConfig(AppConfig):
    name = "grant"
    verbose_name = "Subvention"

    # Imports below happen in AppConfig methods because models load only once apps are ready.
    def ready(self):
        from grant import figures_cache

        figures_cache.connect()

    def load_reference_data(self, data):
        """The convention of the délibération, after every lower app's reference data
        (called by programme's `load_reference_data` command)."""
        from grant.reference import load_convention

        return {"conventions": load_convention(data)}
