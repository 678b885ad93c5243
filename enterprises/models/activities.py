"""Sessions and workshops, and who attended them."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from enterprises.enums import (
    MAX_DURATION,
    ActivityKind,
    Attendance,
    PlaceType,
    Stage,
)

from .registry import Contact, Enterprise, visible_ids

# About two pages of text: enough for a session's notes, not a place to paste documents.
NOTES_MAX_LENGTH = 5000


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
    notes = models.TextField(
        "notes",
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH)],
        help_text=f"{NOTES_MAX_LENGTH} caractères au plus.",
    )
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
            # The admin's list and every « latest first » read sort on (-date, -id): one
            # index in that order, where an index on the date alone sorted a whole day's
            # activities for a page of 50 (decision 012).
            models.Index(fields=["date", "id"], name="activity_date_id"),
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
        indexes = [
            # The figures count present participations per activity (grant.indicators.
            # activities.by_qpv): read in activity order from this index alone, they stream
            # instead of being hashed (0.3 s and a spill to disk at national scale).
            models.Index(
                fields=["activity", "enterprise"],
                condition=Q(attendance=Attendance.PRESENT),
                name="participation_present",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} — {self.activity}"
