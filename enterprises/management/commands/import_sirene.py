from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.commands import user_option
from enterprises.imports.sirene import SireneError, import_sirene


class Command(BaseCommand):
    help = (
        "Repérage depuis un extrait StockEtablissement de SIRENE (INSEE) : garde les "
        "établissements actifs de moins de 10 salariés situés dans un QPV, les crée "
        "« repérés » ou met à jour ceux déjà connus sans jamais les faire reculer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Extrait CSV StockEtablissement")
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien écrire.")
        parser.add_argument(
            "--user", help="Adresse e-mail de la personne à qui attribuer l'import."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        user = user_option(options["user"])
        try:
            report = import_sirene(path, dry_run=options["dry_run"], user=user)
        except SireneError as error:
            raise CommandError(str(error)) from None
        except UnicodeDecodeError:
            raise CommandError(
                "Le fichier n'est pas en UTF-8 comme les extraits de l'INSEE."
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Vérification seulement (--dry-run) : rien n'a été écrit.")
