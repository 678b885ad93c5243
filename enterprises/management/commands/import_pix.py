from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.commands import user_option
from enterprises.imports.pix import apply_pix, prepare_pix
from enterprises.imports.pix_format import DEFAULT_EXTERNAL_ID_LABEL


class Command(BaseCommand):
    help = (
        "Importe les résultats d'une campagne d'évaluation PIX Orga (export CSV ou XLSX). "
        "Les participants sont rapprochés des contacts par l'identifiant externe ; à défaut, "
        "un contact du même nom est proposé à l'équipe. Tout ou rien : une seule ligne "
        "refusée et rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Export PIX Orga (CSV ou XLSX)")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien écrire.")
        parser.add_argument(
            "--user", help="Adresse e-mail de la personne à qui attribuer l'import."
        )
        parser.add_argument(
            "--label",
            help="Libellé de l'identifiant externe donné à la campagne dans PIX Orga (par "
            "défaut celui retenu pour la campagne au dernier import, sinon "
            f"« {DEFAULT_EXTERNAL_ID_LABEL} »). Il est conservé pour la campagne.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        user = user_option(options["user"])
        prepared = prepare_pix(path.read_bytes(), path.name, options["label"])
        if prepared.file_errors:
            raise CommandError(
                "Fichier inutilisable : "
                + " ".join(prepared.file_errors)
                + " Rien n'a été importé."
            )
        for warning in prepared.warnings:
            self.stdout.write(self.style.WARNING(warning))
        for line in prepared.summary():
            self.stdout.write(line)
        if not prepared.ok:
            for message in prepared.messages():
                self.stdout.write(f"  {message}")
            raise CommandError(
                f"{len(prepared.refused)} ligne(s) refusée(s) : rien n'a été importé. "
                "Corrigez le fichier puis relancez l'import."
            )
        if options["dry_run"]:
            self.stdout.write("Vérification seulement (--dry-run) : rien n'a été écrit.")
            return
        try:
            assessments, proposals = apply_pix(prepared, user=user)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé : {assessments} diagnostic(s) créé(s), "
                f"{proposals} rapprochement(s) à confirmer par l'équipe."
            )
        )
