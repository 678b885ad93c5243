"""The registry: the TPE, its contacts and its moves along the parcours."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Exists, F, Lookup, Window
from django.db.models.functions import Lead
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.data_version import versioned
from enterprises.enums import (
    CLOSED_STATUSES,
    TPE_BANDS,
    AssignmentStatus,
    ConsentMethod,
    ExitReason,
    HeadcountBand,
    QpvSource,
    Source,
    Stage,
    TpeStatus,
    band_for_headcount,
)
from enterprises.validators import (
    normalise_siret,
    validate_creation_date,
    validate_latitude,
    validate_longitude,
    validate_postcode,
    validate_siret,
)
from partners.enums import Role
from partners.models import Membership
from programme.enums import QpvGeneration
from programme.models import Qpv

# How long the visibility ids of a user are kept at most (decision 012): every write the
# rule reads moves the data's version at once; this bounds what no signal sees, such as
# an orientation's grace period running out.
SIGHT_TTL = 60  # seconds

# Décret 2008-1354: a TPE has fewer than 10 people and a turnover or balance sheet ≤ 2 M€.
TPE_MAX_AMOUNT = Decimal("2000000")

# Allowed moves along the parcours. « sortie » needs a reason; one can come back.
TRANSITIONS = {
    Stage.REPEREE: {Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE, Stage.SORTIE},
    Stage.DIAGNOSTIQUEE: {Stage.ACCOMPAGNEE, Stage.SORTIE},
    Stage.ACCOMPAGNEE: {Stage.AUTONOME, Stage.SORTIE},
    Stage.AUTONOME: {Stage.ACCOMPAGNEE, Stage.SORTIE},
    Stage.SORTIE: {Stage.REPEREE},
}
# An orientation in these statuses, handled by a person, makes them follow the enterprise.
FOLLOWING_STATUSES = [AssignmentStatus.TAKING_CARE, *CLOSED_STATUSES]
STAGE_ORDER = [Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE, Stage.AUTONOME]


def visible_ids(user):
    """The ids of the enterprises a non-staff user sees, as one UNION subquery: assigned to
    one of their active organisations (an orientation declined or expired gives sight for
    ORIENTATION_GRACE_DAYS more, then no longer: decision 007), followed as referent, met
    in an activity they logged, or in a pairing they follow as a student (the beginner and
    the pair). PostgreSQL answers it from index scans; an OR of IN conditions made it test
    every enterprise of the table (README, « Performance »). A student membership gives no
    sight of the organisation's assignments (a student sees their pairings only), nor does
    a funder's (role « financeur »: the grant, never an enterprise)."""
    organisations = (
        Membership.objects.active()
        .of(user)
        .exclude(role__in=[Role.ETUDIANT, Role.FINANCEUR])
        .values("organisation_id")
    )
    # Assignment, Participation and Pairing live in sibling modules that import this one:
    # reach them through the reverse relations instead of importing them.
    assignment = Enterprise._meta.get_field("assignments").related_model
    participation = Enterprise._meta.get_field("participations").related_model
    pairing = Enterprise._meta.get_field("pairings_received").related_model
    assigned = assignment.objects.giving_sight().filter(organisation_id__in=organisations)
    followed = Enterprise.objects.filter(referent=user)
    met = participation.objects.filter(activity__author=user)
    # Only while the student's membership is active: a constant EXISTS, evaluated once.
    studying = Membership.objects.active().of(user, roles=[Role.ETUDIANT])
    as_student = pairing.objects.filter(Exists(studying), students=user)
    return (
        assigned.order_by()
        .values("enterprise_id")
        .union(
            followed.order_by().values("id"),
            met.order_by().values("enterprise_id"),
            as_student.order_by().values("mentee_id"),
            as_student.order_by().values("pair__enterprise_id"),
        )
    )


class EnterpriseQuerySet(models.QuerySet):
    def followed_by(self, user):
        """« Les entreprises que je suis » — the one rule, used by the list's « Moi » filter
        and « Mon espace »: the enterprises the user is referent of, those whose
        orientation they took in charge or were handed (and did not decline), and those
        they logged an activity with. Always a subset of what they can see."""
        if not user.is_authenticated:
            return self.none()
        assignment = Enterprise._meta.get_field("assignments").related_model
        participation = Enterprise._meta.get_field("participations").related_model
        handled = assignment.objects.filter(handled_by=user, status__in=FOLLOWING_STATUSES)
        met = participation.objects.filter(activity__author=user)
        return self.filter(
            models.Q(referent=user)
            | models.Q(pk__in=handled.values("enterprise_id"))
            | models.Q(pk__in=met.values("enterprise_id"))
        )

    def visible_to(self, user):
        """The one visibility rule (docs/architecture.md, « Visibility »).

        Staff see every enterprise; anyone else sees those assigned to one of their
        active organisations, those they are referent of, and those they have logged an
        activity with."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(pk__in=visible_ids(user))

    def visible_to_counted(self, user):
        """visible_to(user) for pages that only read, with the number of enterprises it
        holds: the rule's ids are read once (`sight_ids`) and the queryset filters on that
        list, so that a page's rows and its count do not each plan and run the rule's UNION
        (decisions 011 and 012). Staff: every enterprise, and no count (None: let the page
        count). Writes and lookups before a write keep `visible_to`, which runs the rule
        live."""
        if user.is_staff and user.is_authenticated and user.is_active:
            return self, None
        if not user.is_authenticated or not user.is_active:
            return self.none(), 0
        ids = sight_ids(user)
        if connections[self.db].vendor == "postgresql":
            # One array parameter (`= ANY(%s)`), not IN with 350 placeholders that Django
            # prepared and psycopg parsed on every page (≈ 1 ms). SQLite has no arrays.
            return self.filter(AnyOf(F("pk"), ids)), len(ids)
        return self.filter(pk__in=ids), len(ids)

    def sees(self, user, pk):
        """Whether `user` sees the enterprise `pk`, for a page that only reads: the same
        answer as `visible_to(user).filter(pk=pk).exists()`, from the ids kept under the
        data's version (`sight_ids`, decision 012)."""
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_staff:
            return True
        return int(pk) in set(sight_ids(user))


class AnyOf(Lookup):
    """`field = ANY(array)`: a list of values as one parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False  # the list goes as it is: psycopg sends it as one array

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def sight_ids(user):
    """The ids `visible_ids(user)` gives, kept in the shared cache under the data's version
    (decision 012): any save or delete of an enterprise, orientation, activity,
    participation, pairing (and its students), membership or organisation moves the
    version, and bulk writes send `records_changed`, so a change of who sees what shows on
    the next page; what no signal sees (an orientation's grace running out) is seen after
    SIGHT_TTL at the latest. Reading the ids costs a Redis read instead of compiling and
    running the rule's five-part UNION (≈ 5 ms of a page's 12). A cache that fails only
    costs that."""
    return versioned(
        f"sight:{user.pk}",
        lambda: list(visible_ids(user).values_list("enterprise_id", flat=True)),
        ttl=SIGHT_TTL,
    )


class Enterprise(models.Model):
    """A very small enterprise (TPE) of the programme, identified by its SIRET."""

    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    name = models.CharField("raison sociale", max_length=255)
    trade_name = models.CharField("enseigne", max_length=255, blank=True)
    legal_form = models.CharField("forme juridique", max_length=100, blank=True)
    naf = models.ForeignKey(
        "programme.NafCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name="code NAF",
    )
    created_on = models.DateField(
        "date de création", null=True, blank=True, validators=[validate_creation_date]
    )
    headcount = models.PositiveIntegerField("effectif", null=True, blank=True)
    headcount_band = models.CharField(
        "tranche d'effectif", max_length=2, choices=HeadcountBand.choices, blank=True
    )
    turnover = models.DecimalField(
        "chiffre d'affaires (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    balance_sheet = models.DecimalField(
        "total du bilan (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    tpe_status = models.CharField(
        "statut TPE",
        max_length=10,
        choices=TpeStatus.choices,
        default=TpeStatus.UNKNOWN,
        editable=False,
    )
    tpe_reason = models.CharField("motif du statut TPE", max_length=255, blank=True, editable=False)
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validate_postcode]
    )
    commune = models.CharField("commune", max_length=100, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(
        "longitude", null=True, blank=True, validators=[validate_longitude]
    )
    qpv = models.ForeignKey(
        "programme.Qpv",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name="QPV",
        limit_choices_to={"generation": QpvGeneration.G2015},
    )
    qpv_source = models.CharField(
        "origine du QPV", max_length=10, choices=QpvSource.choices, default=QpvSource.NONE
    )
    point_qpv = models.ForeignKey(
        "programme.Qpv",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="QPV d'après les coordonnées",
        editable=False,
    )
    stage = models.CharField(
        "étape du parcours", max_length=20, choices=Stage.choices, default=Stage.REPEREE
    )
    exit_reason = models.CharField(
        "motif de sortie", max_length=20, choices=ExitReason.choices, blank=True
    )
    stage_changed_at = models.DateTimeField("à cette étape depuis le", default=timezone.now)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_enterprises",
        verbose_name="référent",
    )
    source = models.CharField("source du repérage", max_length=20, choices=Source.choices)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "entreprise"
        verbose_name_plural = "entreprises"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["stage"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self):
        return self.trade_name or self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def refresh_derived(self):
        """Normalised SIRET, band from the headcount, TPE status: done by save(), and by
        bulk paths (imports) that bypass it."""
        self.siret = normalise_siret(self.siret)
        if self.headcount is not None:
            self.headcount_band = band_for_headcount(self.headcount)
        self.tpe_status, self.tpe_reason = self.compute_tpe_status()

    @property
    def siren(self):
        return self.siret[:9]

    @property
    def qpv_2024(self):
        """The 2024 successor of the 2015 QPV (indicative: 2024 contours are not published)."""
        return self.qpv.successor if self.qpv_id else None

    @property
    def qpv_conflict(self):
        """A QPV chosen by hand that the coordinates contradict."""
        return (
            self.qpv_source == QpvSource.MANUAL
            and self.latitude is not None
            and self.point_qpv_id != self.qpv_id
        )

    def clean(self):
        super().clean()
        self.siret = normalise_siret(self.siret)
        if self.stage == Stage.SORTIE and not self.exit_reason:
            raise ValidationError({"exit_reason": "Indiquez le motif de sortie du parcours."})

    def compute_tpe_status(self):
        """(status, reason) under décret 2008-1354; never blocks entry."""
        reasons = []
        if self.headcount is not None and self.headcount >= 10:
            reasons.append(f"effectif de {self.headcount} personnes (10 ou plus)")
        elif self.headcount_band and self.headcount_band not in TPE_BANDS:
            reasons.append(f"tranche d'effectif « {self.get_headcount_band_display()} »")
        amounts = [a for a in (self.turnover, self.balance_sheet) if a is not None]
        if amounts and min(amounts) > TPE_MAX_AMOUNT:
            reasons.append("chiffre d'affaires et bilan au-delà de 2 M€")
        if reasons:
            return TpeStatus.NON_TPE, "; ".join(reasons)
        if self.headcount is None and not self.headcount_band:
            return TpeStatus.UNKNOWN, "effectif inconnu"
        return TpeStatus.TPE, ""

    def locate(self, locator=None):
        """Set the QPV from the point (2015 generation), unless it was chosen by hand.

        `locator` (a programme.geo.QpvLocator) lets a batch read the polygons once."""
        if self.latitude is None or self.longitude is None:
            self.point_qpv = None
        elif locator is not None:
            self.point_qpv = locator.locate(self.latitude, self.longitude)
        else:
            self.point_qpv = Qpv.objects.containing(self.latitude, self.longitude)
        if self.qpv_source == QpvSource.MANUAL and self.qpv_id:
            return
        self.qpv = self.point_qpv
        self.qpv_source = QpvSource.POINT if self.qpv else QpvSource.NONE

    def can_move_to(self, stage):
        return stage in TRANSITIONS.get(self.stage, set())

    @transaction.atomic
    def move_to(self, stage, *, by, reason="", note=""):
        """Move along the parcours, recording who, when, from where and why."""
        if not self.can_move_to(stage):
            raise ValidationError(
                f"Passage impossible de « {Stage(self.stage).label} » à « {Stage(stage).label} »."
            )
        if stage == Stage.SORTIE and reason not in ExitReason.values:
            raise ValidationError("Indiquez le motif de sortie du parcours.")
        change = StageChange.objects.create(
            enterprise=self,
            from_stage=self.stage,
            to_stage=stage,
            reason=reason if stage == Stage.SORTIE else "",
            note=note,
            by=by,
        )
        self.stage, self.stage_changed_at = stage, change.at
        self.exit_reason = reason if stage == Stage.SORTIE else ""
        self.save(update_fields=["stage", "stage_changed_at", "exit_reason", "updated_at"])
        return change


class StageChangeQuerySet(models.QuerySet):
    def with_durations(self):
        """Annotate each change with `left_at`, when the enterprise left that stage
        (None while it is still there): the time spent in a stage is left_at - at."""
        return self.annotate(
            left_at=Window(Lead("at"), partition_by=[F("enterprise_id")], order_by=F("at").asc())
        )


class StageChange(models.Model):
    """One move along the parcours: who, when, from, to, why. Never edited."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField("de", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("vers", max_length=20, choices=Stage.choices)
    reason = models.CharField("motif", max_length=20, choices=ExitReason.choices, blank=True)
    note = models.CharField("précision", max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now, db_index=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["at", "id"]

    def __str__(self):
        return (
            f"{self.enterprise} : {self.get_from_stage_display()} → {self.get_to_stage_display()}"
        )


def new_pix_external_id():
    """A random identifier given to GIP PIX to match campaign results (no personal data)."""
    return "TPE-" + secrets.token_hex(4).upper()


class Contact(models.Model):
    """A person running the enterprise. Personal data: consent and purpose recorded."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name="entreprise"
    )
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    role = models.CharField("fonction", max_length=100, blank=True, default="dirigeant(e)")
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    pix_external_id = models.CharField(
        "identifiant externe PIX",
        max_length=40,
        unique=True,
        default=new_pix_external_id,
        help_text="À transmettre au GIP PIX pour rapprocher les résultats de campagne.",
    )
    consent_date = models.DateField("date du consentement", null=True, blank=True)
    consent_purpose = models.CharField(
        "finalité acceptée",
        max_length=255,
        blank=True,
        default="Accompagnement au numérique dans le programme « Inclusion numérique des TPE »",
    )
    consent_method = models.CharField(
        "recueil du consentement", max_length=20, choices=ConsentMethod.choices, blank=True
    )
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["last_name", "first_name", "id"]

    def __str__(self):
        if self.anonymised_at:
            return f"contact anonymisé n° {self.pk}"
        return (
            f"{self.first_name} {self.last_name}".strip() or self.email or f"contact n° {self.pk}"
        )

    def shown(self, may_see, details=False):
        """How this contact appears on a page or in an export: the one rule, used by the
        `contact` template filter and the exports. Someone who may not see contacts
        (perms.can_see_contacts) reads « contact », never a name, e-mail or phone;
        `details` adds the role, e-mail and phone for those who may."""
        if not may_see:
            return "contact"
        if self.anonymised_at or not details:
            return str(self)
        return ", ".join(filter(None, [str(self), self.role, self.email, self.phone]))
