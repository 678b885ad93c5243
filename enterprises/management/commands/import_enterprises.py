from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from common.commands import user_option
from enterprises.imports.tables import apply_import, prepare_import


class Command(BaseCommand):
    help = (
        "Importe des entreprises depuis un fichier CSV (; ou ,) ou Excel (.xlsx). Tout ou "
        "rien : une seule ligne en erreur et rien n'est écrit. Un SIRET déjà connu met à "
        "jour l'entreprise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV ou XLSX")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien écrire.")
        parser.add_argument(
            "--user", help="Adresse e-mail de la personne à qui attribuer l'import."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        user = user_option(options["user"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {path} ({error.strerror}).") from error
        prepared = prepare_import(content, path.name)
        for warning in prepared.warnings:
            self.stdout.write(self.style.WARNING(warning))
        for row in prepared.rows:
            for label, old, new in row.changes:
                self.stdout.write(f"Ligne {row.line} ({row.siret}) : {label} : {old} → {new}")
        summary = (
            f"{len(prepared.rows)} ligne(s) : {prepared.count('create')} à créer, "
            f"{prepared.count('update')} à mettre à jour, "
            f"{prepared.count('unchanged')} inchangée(s), {len(prepared.refused)} refusée(s)."
        )
        if not prepared.ok:
            for message in prepared.messages():
                self.stderr.write(message)
            raise CommandError(f"{summary} Rien n'a été importé.")
        if options["dry_run"]:
            self.stdout.write(f"{summary} Vérification seulement (--dry-run) : rien n'a été écrit.")
            return
        try:
            created, updated = apply_import(prepared, user=user)
        except DatabaseError as error:
            # Every cell was checked above: this is the database refusing something we did
            # not foresee. The transaction is rolled back; say so in French, no traceback.
            raise CommandError(
                f"{summary} La base de données a refusé l'import ({type(error).__name__}) : "
                "rien n'a été importé."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary} Import terminé : {created} créée(s), {updated} mise(s) à jour."
            )
        )
