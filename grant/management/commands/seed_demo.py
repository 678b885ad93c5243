"""Demo data for a newcomer: accounts for each role and enterprises in the QPVs.

In `grant`, the top layer, so that each issue can add its own objects here."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from enterprises.demo import seed_enterprises
from grant.demo import seed_grant
from partners.demo import DEFAULT_PASSWORD, create_demo_accounts
from partners.models import Organisation


class Command(BaseCommand):
    help = "Crée les données de démonstration (comptes de chaque rôle, entreprises dans les QPV)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2022, help="Graine (résultat reproductible)."
        )
        parser.add_argument(
            "--enterprises", type=int, default=40, help="Nombre d'entreprises (défaut : 40)."
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Mot de passe des comptes de démonstration (défaut : {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, **options):
        if options["enterprises"] < 0:
            raise CommandError("--enterprises doit être positif ou nul.")
        call_command("load_reference_data", verbosity=options["verbosity"])
        with transaction.atomic():
            users = create_demo_accounts(options["password"])
            by_email = {u.email: u for u in users}
            referents = [by_email["conseiller1@demo.test"], by_email["conseiller2@demo.test"]]
            partners = [
                Organisation.objects.get(reference_name="Axents"),
                Organisation.objects.get(reference_name="Anim'Aidants 34"),
            ]
            enterprises = seed_enterprises(
                options["enterprises"], options["seed"], referents=referents, partners=partners
            )
            seed_grant(by_email["pilotage@demo.test"])
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"{len(users)} comptes de démonstration, {len(enterprises)} entreprises.")
        for user in users:
            self.stdout.write(f"  {user.email}")
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
