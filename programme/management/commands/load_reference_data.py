"""Load the reference data (QPV, NAF, vocabulary, organisations, programme, convention).

The command lives with the reference data, in `programme`. A higher app that owns part of
the data (the convention, in `grant`) adds it through a `load_reference_data(data)` method
on its AppConfig, called in the order of INSTALLED_APPS: no lower app imports a higher one.
"""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programme.reference import (
    REFERENCE_DIR,
    ReferenceDataError,
    load_programme_reference,
    read_all,
)


class Command(BaseCommand):
    help = (
        "Charge les données de référence (QPV, NAF, vocabulaire, structures, programme, "
        "convention). Idempotent : ne crée que ce qui manque et ne modifie jamais "
        "un enregistrement existant."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=str(REFERENCE_DIR),
            help="Dossier des fichiers de référence (par défaut : reference_data/).",
        )

    def handle(self, *args, **options):
        try:
            data = read_all(Path(options["directory"]))
        except ReferenceDataError as exc:
            raise CommandError(
                f"Données de référence non chargées, rien n'a été écrit. {exc}"
            ) from None
        with transaction.atomic():
            counts = load_programme_reference(data)
            for app_config in apps.get_app_configs():
                load = getattr(app_config, "load_reference_data", None)
                if load is not None:
                    counts.update(load(data))
        if options["verbosity"] < 1:
            return
        for label, (created, kept) in counts.items():
            self.stdout.write(f"{label} : {created} créé(s), {kept} déjà présent(s)")
        self.stdout.write(self.style.SUCCESS("Données de référence à jour."))
