"""Demo accounts, one per role, for `manage.py seed_demo` (documented in the README)."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .enums import Role
from .models import Membership, Organisation, User

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
