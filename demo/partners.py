"""Demo accounts, one per role, for `manage.py seed_demo` (documented in the README)."""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from partners.enums import Role
from partners.models import Meeting, MeetingInvitation, Membership, Organisation, User

DEFAULT_PASSWORD = "demo-parcours-tpe"

# (e-mail, first name, last name, is_staff, organisation reference name, role)
DEMO_ACCOUNTS = [
    (
        "pilotage@demo.test",
        "Camille",
        "Roux",
        True,
        "Montpellier Méditerranée Métropole",
        Role.ADMIN,
    ),
    ("conseiller1@demo.test", "Karim", "Benali", False, "Conseillers numériques", Role.CONSEILLER),
    ("conseiller2@demo.test", "Léa", "Martin", False, "Tiers-lieu Gisèle-Halimi", Role.CONSEILLER),
    ("axents@demo.test", "Sophie", "Garcia", False, "Axents", Role.ADMIN),
    ("association@demo.test", "Nadia", "Haddad", False, "Anim'Aidants 34", Role.CONSEILLER),
    (
        "financeur@demo.test",
        "Hélène",
        "Dupuis",
        False,
        "Caisse des Dépôts et Consignations - Banque des Territoires",
        Role.FINANCEUR,
    ),
]


@transaction.atomic
def create_demo_accounts(password=DEFAULT_PASSWORD):
    """Create (or reset) the demo accounts and their memberships; return the users."""
    users = []
    for email, first_name, last_name, is_staff, organisation_name, role in DEMO_ACCOUNTS:
        organisation = Organisation.objects.get(reference_name=organisation_name)
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": is_staff,
                "is_superuser": is_staff,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role, "is_active": True}
        )
        users.append(user)
    return users


WORKING_GROUP = [
    "Montpellier Méditerranée Métropole",
    "Axents",
    "GIP PIX",
    "HUB Rhinocc",
    "Anim'Aidants 34",
    "CCI Hérault",
    "Boutique de gestion (BGE)",
    "Conseillers numériques",
    "Tiers-lieu Gisèle-Halimi",
]


@transaction.atomic
def create_demo_meetings(staff, now=None):
    """Two past meetings of the working group with minutes and one upcoming (rebuilt)."""
    now = now or timezone.now()
    Meeting.objects.filter(title__startswith="Groupe de travail TPE").delete()
    organisations = list(Organisation.objects.filter(reference_name__in=WORKING_GROUP))
    specs = [
        (
            -120,
            "Lancement",
            "Présentation du parcours ; rôle de chaque partenaire.",
            "Le parcours est validé ; Axents démarre les ateliers en QPV.",
        ),
        (
            -40,
            "Bilan d'étape",
            "Premiers chiffres ; orientations en attente.",
            "42 entreprises repérées ; relancer les orientations sans réponse.",
        ),
        (21, "Préparation du rapport", "Chiffres pour la Caisse des Dépôts ; perspectives.", ""),
    ]
    meetings = []
    for days, name, agenda, minutes in specs:
        starts = (now + datetime.timedelta(days=days)).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        meeting = Meeting.objects.create(
            title=f"Groupe de travail TPE — {name}",
            starts_at=starts,
            place="Tiers-lieu Gisèle-Halimi",
            agenda=agenda,
            minutes=minutes,
            created_by=staff,
        )
        for index, organisation in enumerate(organisations):
            present = None if days > 0 else index % 4 != 3
            MeetingInvitation.objects.create(
                meeting=meeting,
                organisation=organisation,
                present=present,
                attendees=1 if present else 0,
            )
        meetings.append(meeting)
    return meetings
