"""The TPE and what happens to them: identity, place, parcours, contacts, assignments."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Lead
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import Membership
from programme.enums import QpvGeneration
from programme.models import Qpv

from .enums import (
    CLOSED_STATUSES,
    MAX_DURATION,
    TPE_BANDS,
    ActivityKind,
    AssessmentKind,
    AssessmentSource,
    AssignmentStatus,
    Attendance,
    ConsentMethod,
    DeclineReason,
    ExitReason,
    HeadcountBand,
    PlaceType,
    QpvSource,
    Source,
    Stage,
    TpeStatus,
    band_for_headcount,
)
from .validators import normalise_siret, validate_siret

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
STAGE_ORDER = [Stage.REPEREE, Stage.DIAGNOSTIQUEE, Stage.ACCOMPAGNEE, Stage.AUTONOME]


def visible_ids(user):
    """The ids of the enterprises a non-staff user sees, as one UNION subquery: assigned to
    one of their active organisations, followed as referent, or met in an activity they
    logged. PostgreSQL answers it from three index scans; an OR of three IN conditions
    made it test every enterprise of the table (README, « Performance »)."""
    organisations = Membership.objects.active().filter(user=user).values("organisation_id")
    assigned = Assignment.objects.filter(organisation_id__in=organisations)
    followed = Enterprise.objects.filter(referent=user)
    met = Participation.objects.filter(activity__author=user)
    return (
        assigned.order_by()
        .values("enterprise_id")
        .union(
            followed.order_by().values("id"),
            met.order_by().values("enterprise_id"),
        )
    )


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule (ARCHITECTURE.md §4).

        Staff see every enterprise; anyone else sees those assigned to one of their
        active organisations, those they are referent of, and those they have logged an
        activity with."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(pk__in=visible_ids(user))


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
    created_on = models.DateField("date de création", null=True, blank=True)
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
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
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


class Assignment(models.Model):
    """An enterprise handed to a partner organisation, with the statuses partners know
    from Conseillers-Entreprises. Assigning is what makes an enterprise visible to the
    organisation's members. Allowed moves live here; each step is timestamped and signed."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="assignments", verbose_name="entreprise"
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name="structure",
    )
    action = models.ForeignKey(
        "programme.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name="action du programme",
    )
    status = models.CharField(
        "statut", max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.QUO
    )
    message = models.TextField("message", blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="orientée par",
    )
    created_at = models.DateTimeField("orientée le", default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_assignments",
        verbose_name="suivie par",
    )
    taken_at = models.DateTimeField("prise en charge le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    declined_at = models.DateTimeField("refusée le", null=True, blank=True)
    decline_reason = models.CharField(
        "motif du refus", max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField("précision sur le refus", max_length=255, blank=True)
    expired_at = models.DateTimeField("expirée le", null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)
    closing_note = models.CharField("précision", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "organisation", "action"],
                name="assignment_enterprise_organisation_action",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.enterprise} → {self.organisation}"

    def _require(self, *statuses, doing):
        if self.status not in statuses:
            raise ValidationError(
                f"Impossible de {doing} : l'orientation est « {self.get_status_display()} »."
            )

    def take_in_charge(self, *, by):
        self._require(AssignmentStatus.QUO, doing="la prendre en charge")
        self.status, self.taken_at, self.handled_by = (
            AssignmentStatus.TAKING_CARE,
            timezone.now(),
            by,
        )
        self._history_user = by
        self.save()

    def close(self, outcome, *, by, note=""):
        if outcome not in CLOSED_STATUSES:
            raise ValidationError(
                "Choisissez l'issue : aide proposée, pas d'aide ou non joignable."
            )
        self._require(
            AssignmentStatus.TAKING_CARE, doing="la clôturer sans l'avoir prise en charge"
        )
        self.status, self.closed_at, self.closing_note = outcome, timezone.now(), note
        self._history_user = by
        self.save()

    def decline(self, reason, *, by, note=""):
        self._require(AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE, doing="la refuser")
        if reason not in DeclineReason.values:
            raise ValidationError("Indiquez le motif du refus.")
        if reason == DeclineReason.AUTRE and not note.strip():
            raise ValidationError("Précisez le motif du refus.")
        self.status, self.declined_at = AssignmentStatus.NOT_FOR_ME, timezone.now()
        self.decline_reason, self.decline_note, self.handled_by = reason, note, by
        self._history_user = by
        self.save()

    def hand_over(self, colleague, *, by):
        """An administrateur of the organisation gives it to a colleague of theirs."""
        if (
            not Membership.objects.active()
            .filter(user=colleague, organisation=self.organisation_id)
            .exists()
        ):
            raise ValidationError("Cette personne n'est pas membre de la structure.")
        self._require(AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE, doing="la confier")
        self.handled_by = colleague
        if self.status == AssignmentStatus.QUO:
            self.status, self.taken_at = AssignmentStatus.TAKING_CARE, timezone.now()
        self._history_user = by
        self.save()


def assigned_organisations():
    """Organisations with at least one assignment (a filter's choices), by EXISTS: a join
    with DISTINCT read every assignment."""
    from partners.models import Organisation

    return Organisation.objects.filter(
        models.Exists(Assignment.objects.filter(organisation=models.OuterRef("pk")))
    ).only("name")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Activities about an enterprise the user can see, and those they logged.
        Nobody sees an activity about an enterprise they cannot see."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        about = Participation.objects.filter(enterprise_id__in=visible_ids(user))
        about = about.values("activity_id")
        return self.filter(Q(pk__in=about) | Q(author=user))


class Activity(models.Model):
    """A session with a TPE or a workshop, in the vocabulary of « La Coop de la médiation
    numérique » so that the figures line up with the national ones."""

    kind = models.CharField("type", max_length=12, choices=ActivityKind.choices)
    date = models.DateField("date")
    duration = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION)]
    )
    place_type = models.CharField("type de lieu", max_length=20, choices=PlaceType.choices)
    place = models.ForeignKey(
        "programme.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="lieu",
    )
    place_commune = models.CharField("commune (autre lieu)", max_length=100, blank=True)
    themes = models.ManyToManyField(
        "programme.Term", related_name="themed_activities", verbose_name="thématiques"
    )
    equipment = models.ManyToManyField(
        "programme.Term", blank=True, related_name="equipped_activities", verbose_name="matériel"
    )
    autonomy = models.ForeignKey(
        "programme.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="autonomie atteinte",
    )
    referral_structure = models.ForeignKey(
        "programme.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="orientée vers (type de structure)",
    )
    referral_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="orientée vers (structure du réseau)",
    )
    title = models.CharField("titre de l'atelier", max_length=200, blank=True)
    level = models.ForeignKey(
        "programme.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="niveau",
    )
    anonymous_count = models.PositiveSmallIntegerField("participants anonymes", default=0)
    notes = models.TextField("notes", blank=True)
    action = models.ForeignKey(
        "programme.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="action du programme",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name="auteur",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name="structure de l'auteur",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[themes])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "activité"
        verbose_name_plural = "activités"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["author", "date"], include=["id"], name="activity_author_date"),
            models.Index(fields=["date"]),
        ]

    def __str__(self):
        label = self.title or self.get_kind_display()
        return f"{label} du {self.date:%d/%m/%Y}"

    def set_participations(self, attendance):
        """Replace the participations with {enterprise: attendance}; an enterprise present
        at its first activity while « repérée » or « diagnostiquée » is now « accompagnée »
        (a StageChange by the author). Returns the enterprises that moved."""
        self.participations.exclude(enterprise__in=list(attendance)).delete()
        existing = {p.enterprise_id: p for p in self.participations.all()}
        for enterprise, presence in attendance.items():
            participation = existing.get(enterprise.pk)
            if participation is None:
                Participation.objects.create(
                    activity=self, enterprise=enterprise, attendance=presence
                )
            elif participation.attendance != presence:
                participation.attendance = presence
                participation.save(update_fields=["attendance"])
        moved = []
        for enterprise, presence in attendance.items():
            if presence == Attendance.PRESENT and enterprise.stage in (
                Stage.REPEREE,
                Stage.DIAGNOSTIQUEE,
            ):
                enterprise.move_to(Stage.ACCOMPAGNEE, by=self.author, note="première activité")
                moved.append(enterprise)
        return moved

    @property
    def reached_autonomy(self):
        return (
            self.kind == ActivityKind.INDIVIDUEL
            and self.autonomy_id
            and self.autonomy.code == "autonome"
        )

    def editable_by(self, user, today=None):
        """Authors edit their own activities for 30 days; staff always."""
        if user.is_staff:
            return True
        today = today or timezone.localdate()
        return (
            self.author_id == user.pk and (today - timezone.localdate(self.created_at)).days <= 30
        )


class Participation(models.Model):
    """An enterprise (and possibly a contact of it) at an activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name="activité"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name="entreprise",
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name="contact",
    )
    attendance = models.CharField(
        "présence", max_length=10, choices=Attendance.choices, default=Attendance.PRESENT
    )

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        constraints = [
            models.UniqueConstraint(fields=["activity", "enterprise"], name="participation_once"),
        ]

    def __str__(self):
        return f"{self.enterprise} — {self.activity}"


def percent_field(label, **kwargs):
    """A rate of mastery, 0 to 100 %, one decimal."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **kwargs,
    )


class Assessment(models.Model):
    """A diagnostic of an enterprise's contact: initial, intermediate or final; overall
    score and one per PIX domain, in percent of mastery."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="assessments", verbose_name="entreprise"
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="contact",
    )
    kind = models.CharField("moment", max_length=15, choices=AssessmentKind.choices)
    source = models.CharField("source", max_length=12, choices=AssessmentSource.choices)
    date = models.DateField("date")
    overall = percent_field("maîtrise globale (%)", null=False, blank=False)
    score_information = percent_field("informations et données (%)")
    score_communication = percent_field("communication et collaboration (%)")
    score_creation = percent_field("création de contenu (%)")
    score_security = percent_field("protection et sécurité (%)")
    score_environment = percent_field("environnement numérique (%)")
    pix_campaign = models.CharField("code de campagne PIX", max_length=30, blank=True)
    pix_shared_at = models.DateTimeField("partagé le (PIX)", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "diagnostic"
        verbose_name_plural = "diagnostics"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "pix_campaign", "pix_shared_at"],
                condition=Q(source="pix"),
                name="assessment_pix_once",
            ),
        ]

    def __str__(self):
        return f"Diagnostic {self.get_kind_display()} du {self.date:%d/%m/%Y} — {self.overall} %"

    @transaction.atomic
    def record(self, by=None, note="premier diagnostic"):
        """Save; the first initial diagnostic of a « repérée » enterprise makes it
        « diagnostiquée » (a StageChange by `by`)."""
        first_initial = (
            self.kind == AssessmentKind.INITIAL
            and not Assessment.objects.filter(
                enterprise=self.enterprise, kind=AssessmentKind.INITIAL
            )
            .exclude(pk=self.pk)
            .exists()
        )
        self.save()
        enterprise = self.enterprise
        if first_initial and enterprise.stage == Stage.REPEREE:
            enterprise.move_to(Stage.DIAGNOSTIQUEE, by=by, note=note)
        return self


class PixProposal(models.Model):
    """A PIX result whose external id is unknown, proposed by name to staff, who confirm
    the contact (never linked automatically)."""

    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="pix_proposals",
        verbose_name="contact proposé",
    )
    participant_name = models.CharField("participant (PIX)", max_length=200)
    external_id = models.CharField("identifiant externe (PIX)", max_length=100, blank=True)
    campaign = models.CharField("campagne", max_length=30)
    shared_at = models.DateTimeField("partagé le")
    scores = models.JSONField("résultats")
    created_at = models.DateTimeField("proposé le", auto_now_add=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    accepted = models.BooleanField("confirmé", null=True)

    class Meta:
        verbose_name = "rapprochement PIX à confirmer"
        verbose_name_plural = "rapprochements PIX à confirmer"
        ordering = ["decided_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "campaign", "shared_at"], name="pix_proposal_once"
            ),
        ]

    def __str__(self):
        return f"{self.participant_name} → {self.contact}"
