"""Demo data for a newcomer: accounts for each role and enterprises in the QPVs.

In `grant`, the top layer, so that each issue can add its own objects here."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.activities import seed_activities, spread_assignment_statuses
from demo.enterprises import seed_enterprises
from demo.grant import seed_grant
from demo.national import seed_national
from demo.partners import DEFAULT_PASSWORD, create_demo_accounts, create_demo_meetings
from demo.pix import write_demo_pix_export
from enterprises.models import Contact, Enterprise
from partners.models import Organisation
from programme.models import Place


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
            "--scale",
            choices=["demo", "national", "national2"],
            default="demo",
            help="national : 20 000 entreprises, 200 000 activités, 60 structures, 600 comptes "
            "(pour les mesures de performance) ; national2 : le double de tout.",
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
            spread_assignment_statuses(enterprises, by_email["pilotage@demo.test"])
            create_demo_meetings(by_email["pilotage@demo.test"])
            workers = [
                by_email[e]
                for e in ("conseiller1@demo.test", "conseiller2@demo.test", "axents@demo.test")
            ]
            seed_activities(
                workers,
                options["seed"],
                Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).prefetch_related(
                    "assignments"
                ),
                Place.objects.filter(name="Tiers-lieu Gisèle-Halimi").first(),
            )
        if options["scale"] in ("national", "national2"):
            counts = seed_national(
                options["seed"],
                factor=2 if options["scale"] == "national2" else 1,
                stdout=self.stdout if options["verbosity"] else None,
            )
            self.stdout.write(f"Échelle nationale : {counts}")
        contacts = Contact.objects.filter(enterprise__in=enterprises).order_by("pk")[:8]
        demo_dir = Path(settings.VAR_DIR) / "demo"
        demo_dir.mkdir(parents=True, exist_ok=True)
        pix_file = write_demo_pix_export(demo_dir / "pix-campagne-demo.csv", contacts)
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"{len(users)} comptes de démonstration, {len(enterprises)} entreprises.")
        for user in users:
            self.stdout.write(f"  {user.email}")
        self.stdout.write(
            f"Export PIX de démonstration : {pix_file} (python manage.py import_pix …)"
        )
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
