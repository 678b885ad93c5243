"""The convention report from the command line, through the same code as the task."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.commands import date_option, user_option
from grant.enums import ReportKind, ReportStatus
from grant.models import Convention, Report
from grant.reports import build


class Command(BaseCommand):
    help = "Produit le rapport de la convention (PDF) et son annexe Excel à côté."

    def add_arguments(self, parser):
        parser.add_argument("--convention", required=True, help="Identifiant ou n° de délibération")
        parser.add_argument("--kind", default=ReportKind.ANNUEL, choices=ReportKind.values)
        parser.add_argument("--from", dest="start", help="Début de la période (défaut : signature)")
        parser.add_argument(
            "--to", dest="end", help="Fin de la période (défaut : fin ou aujourd'hui)"
        )
        parser.add_argument("--output", required=True, help="Chemin du PDF (l'annexe .xlsx à côté)")
        parser.add_argument("--user", help="Adresse e-mail de la personne qui le demande")

    def handle(self, *args, **options):
        key = options["convention"]
        convention = Convention.objects.filter(
            **({"pk": int(key)} if key.isdigit() else {"deliberation_number": key})
        ).first()
        if convention is None:
            raise CommandError(f"Aucune convention « {key} ».")
        if convention.signed_on is None:
            raise CommandError("La convention n'a pas de date de signature : saisissez-la d'abord.")
        start = date_option(options["start"]) if options["start"] else convention.signed_on
        end = (
            date_option(options["end"])
            if options["end"]
            else min(convention.ends_on, timezone.localdate())
        )
        report = Report(
            convention=convention,
            kind=options["kind"],
            start=start,
            end=end,
            requested_by=user_option(options["user"]),
            version=Report.next_version(convention, options["kind"], start, end),
            status=ReportStatus.RUNNING,
        )
        try:
            report.full_clean(exclude=["pdf", "xlsx", "requested_by"])
        except ValidationError as error:
            raise CommandError(
                " ".join(m for ms in error.message_dict.values() for m in ms)
            ) from None
        report.save()
        build(report)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(report.pdf.open("rb").read())
        annex = output.with_suffix(".xlsx")
        annex.write_bytes(report.xlsx.open("rb").read())
        self.stdout.write(f"Rapport : {output} (SHA-256 {report.checksum})")
        self.stdout.write(f"Annexe : {annex}")
