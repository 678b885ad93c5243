from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from common.commands import date_option
from enterprises.enums import Stage
from enterprises.models import Contact, Enterprise


class Command(BaseCommand):
    help = (
        "Anonymise les contacts des entreprises sorties du parcours avant une date : noms, "
        "e-mails et téléphones effacés, statistiques conservées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", required=True, help="Date limite (AAAA-MM-JJ ou JJ/MM/AAAA)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien modifier.")

    def handle(self, *args, **options):
        before = date_option(options["before"])
        left = Enterprise.objects.filter(stage=Stage.SORTIE, stage_changed_at__date__lt=before)
        contacts = Contact.objects.filter(enterprise__in=left, anonymised_at__isnull=True)
        count = contacts.count()
        if options["dry_run"]:
            self.stdout.write(f"{count} contact(s) seraient anonymisé(s) (--dry-run).")
            return
        now = timezone.now()
        with transaction.atomic():
            for contact in contacts.select_for_update():
                # One save each so that the history records the anonymisation.
                contact.first_name = contact.last_name = contact.email = contact.phone = ""
                contact.anonymised_at = now
                contact.save()
                # Earlier versions in the history hold the names too: blank them.
                contact.history.update(first_name="", last_name="", email="", phone="")
        self.stdout.write(
            f"{count} contact(s) anonymisé(s) (sortis du parcours avant le {before:%d/%m/%Y})."
        )
