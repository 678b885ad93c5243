from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "Entreprises"

    def ready(self):
        # The survey to the entrepreneur follows closed orientations and « autonome ».
        from enterprises import surveys  # noqa: F401
