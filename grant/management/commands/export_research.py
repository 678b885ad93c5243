"""python manage.py export_research --study NAME --output DIR [--start … --end …]"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from common.commands import date_option, user_option
from grant.models import Study
from grant.research.export import build_dataset


class Command(BaseCommand):
    help = (
        "Écrit le jeu de données pseudonymisé d'une étude (CSV, LISEZMOI.txt, manifest.json) "
        "dans un dossier. L'étude est créée avec sa propre clé si elle n'existe pas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--study", required=True, help="Nom de l'étude (MRE, Cit'Us…).")
        parser.add_argument("--output", required=True, help="Dossier où écrire les fichiers.")
        parser.add_argument(
            "--start", help="Début de la période (AAAA-MM-JJ ; défaut : 2022-10-04)."
        )
        parser.add_argument("--end", help="Fin de la période (AAAA-MM-JJ ; défaut : aujourd'hui).")
        parser.add_argument("--user", help="Adresse du compte qui demande l'export (journal).")

    def handle(self, *args, **options):
        start = date_option(options["start"]) if options["start"] else datetime.date(2022, 10, 4)
        end = date_option(options["end"]) if options["end"] else datetime.date.today()
        if end < start:
            raise CommandError("La fin de la période précède son début.")
        study, created = Study.objects.get_or_create(name=options["study"].strip())
        checksums = build_dataset(
            study, start, end, options["output"], by=user_option(options["user"])
        )
        if created:
            self.stdout.write(f"Étude « {study} » créée avec sa propre clé.")
        for name, digest in checksums.items():
            self.stdout.write(f"  {name}  {digest}")
        self.stdout.write(self.style.SUCCESS(f"Export écrit dans {options['output']}."))
