"""System checks run by `migrate` (and `check --database default`)."""

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.utils import OperationalError


@register(Tags.database)
def database_reachable(app_configs, databases=None, **kwargs):
    """Say which variable to fix when the database cannot be reached."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            settings_dict = connection.settings_dict
            where = settings_dict.get("HOST") or settings_dict.get("NAME")
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            errors.append(
                Error(
                    f"Impossible de se connecter à la base de données « {alias} » ({where}) : "
                    f"{reason}",
                    hint="Vérifiez la variable DATABASE_URL (hôte, port, base, utilisateur) "
                    "et que le serveur PostgreSQL est démarré.",
                    id="parcours.E001",
                )
            )
    return errors
