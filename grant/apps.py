from django.apps import AppConfig


class GrantConfig(AppConfig):
    name = "grant"
    verbose_name = "Subvention"
