"""Load the reference data (QPV, NAF, vocabulary, organisations, programme, convention).

The command lives in `grant`, the top layer, because the convention is the last thing
it writes and every lower app's reference data comes before it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grant.reference import load_convention
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
            counts["conventions"] = load_convention(data)
        if options["verbosity"] < 1:
            return
        for label, (created, kept) in counts.items():
            self.stdout.write(f"{label} : {created} créé(s), {kept} déjà présent(s)")
        self.stdout.write(self.style.SUCCESS("Données de référence à jour."))
