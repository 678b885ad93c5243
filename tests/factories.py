"""factory_boy factories, one per model."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from stdnum import luhn

from enterprises.enums import QpvSource, Source
from enterprises.models import Assignment, Contact, Enterprise, StageChange
from grant.models import Convention
from partners.enums import OrganisationKind, Role
from partners.models import Membership, Organisation, User
from programme.enums import PlaceKind, QpvGeneration, TermFamily
from programme.models import Action, NafCode, Place, Programme, Qpv, Term

# A square around La Paillade (Mosson) for factory-made QPVs.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[3.81, 43.62], [3.83, 43.62], [3.83, 43.64], [3.81, 43.64], [3.81, 43.62]]],
}


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.ASSOCIATION_QPV


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("mot-de-passe-de-test")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Accounts made by invitation have a verified address; so do the test ones."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CONSEILLER


class QpvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qpv

    generation = QpvGeneration.G2015
    code = factory.Sequence(lambda n: f"QP099{n:03d}")
    name = factory.Sequence(lambda n: f"Quartier {n}")
    commune = "Montpellier"
    valid_from = datetime.date(2015, 1, 1)
    polygon = SQUARE


class NafCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NafCode
        django_get_or_create = ["code"]

    code = "47.11B"
    label = "Commerce d'alimentation générale"
    class_code = "47.11"
    group_code = "47.1"
    division = "47"
    section = "G"
    section_label = "COMMERCE ; RÉPARATION D'AUTOMOBILES ET DE MOTOCYCLES"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    family = TermFamily.THEMATIQUE
    code = factory.Sequence(lambda n: f"theme_{n}")
    label = factory.Sequence(lambda n: f"Thème {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    owner = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.COLLECTIVITE)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"action-{n}")
    name = factory.Sequence(lambda n: f"Action {n}")
    lead = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OPERATEUR)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Lieu {n}")
    kind = PlaceKind.TIERS_LIEU
    commune = "Montpellier"


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    programme = factory.SubFactory(ProgrammeFactory)
    title = "Convention de test"
    funder = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.FINANCEUR)
    beneficiary = factory.SelfAttribute("programme.owner")
    deliberation_number = factory.Sequence(lambda n: f"M2099-{n:03d}")
    deliberation_date = datetime.date(2022, 10, 4)
    prefecture_act_id = factory.Sequence(lambda n: f"034-TEST-{n}")
    max_amount = Decimal("40000.00")


def valid_siret(n):
    """A deterministic SIRET passing Luhn, from a small integer."""
    siren = f"{(12345678 + n * 7919) % 100_000_000:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = f"{n % 10000:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    siret = factory.Sequence(valid_siret)
    name = factory.Sequence(lambda n: f"ENTREPRISE {n}")
    source = Source.TERRAIN
    qpv_source = QpvSource.NONE


def enable_totp(user):
    """Enrol TOTP (and recovery codes) for a user; returns the secret to compute codes."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret, offset=0):
    """The TOTP code valid now (offset in periods: -1 is the previous one)."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, current + offset))


def text(response):
    """A response's HTML as a person reads it (entities decoded)."""
    import html

    return html.unescape(response.content.decode())


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"contact{n}@exemple.test")
    consent_date = datetime.date(2023, 1, 15)
    consent_method = "oral"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    enterprise = factory.SubFactory(EnterpriseFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    enterprise = factory.SubFactory(EnterpriseFactory)
    to_stage = "reperee"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grant.BudgetLine"

    convention = factory.SubFactory(ConventionFactory)
    label = factory.Sequence(lambda n: f"Ligne {n}")
    planned_cost = Decimal("10000.00")
    planned_grant = Decimal("5000.00")


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grant.Expense"

    line = factory.SubFactory(BudgetLineFactory)
    date = datetime.date(2023, 3, 1)
    supplier = "Fournisseur"
    description = "Prestation"
    amount = Decimal("1000.00")
    grant_amount = Decimal("500.00")


class DisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grant.Disbursement"

    convention = factory.SubFactory(ConventionFactory)
    kind = "avance"
    date = datetime.date(2023, 2, 1)
    amount = Decimal("12000.00")


class ConventionDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "grant.ConventionDocument"

    convention = factory.SubFactory(ConventionFactory)
    title = "Convention signée"
    file = factory.django.FileField(filename="convention.pdf", data=b"%PDF-1.4 test")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enterprises.Activity"

    kind = "individuel"
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    duration = 45
    place_type = "domicile"
    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enterprises.Assessment"

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "initial"
    source = "conseiller"
    date = datetime.date(2023, 3, 1)
    overall = Decimal("40.0")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enterprises.Consent"

    enterprise = factory.SubFactory(EnterpriseFactory, stage="autonome")
    contact = factory.SubFactory(ContactFactory, enterprise=factory.SelfAttribute("..enterprise"))
    purpose = "pair"
    text = "J'accepte d'être proposé·e comme pair."
    method = "conseiller"


class PairFactory(factory.django.DjangoModelFactory):
    """A pair whose consent holds (an « autonome » enterprise with its contact)."""

    class Meta:
        model = "enterprises.Pair"

    enterprise = factory.SubFactory(EnterpriseFactory, stage="autonome")
    consent = factory.SubFactory(ConsentFactory, enterprise=factory.SelfAttribute("..enterprise"))


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enterprises.Pairing"

    pair = factory.SubFactory(PairFactory)
    mentee = factory.SubFactory(EnterpriseFactory)
