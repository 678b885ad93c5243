from django.core.management.base import BaseCommand

from enterprises.join_requests import purge


class Command(BaseCommand):
    help = (
        "Supprime les demandes « Rejoindre le parcours » refusées, ou laissées sans suite, "
        "depuis plus de 3 mois (données personnelles). Lancée chaque nuit par Celery beat."
    )

    def handle(self, *args, **options):
        done = purge()
        self.stdout.write(
            f"{done['refused']} demande(s) refusée(s) et {done['untouched']} demande(s) "
            "sans suite supprimée(s)."
        )
