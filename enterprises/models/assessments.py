"""Diagnostics of an enterprise's contact, and PIX results waiting for staff."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from enterprises.enums import (
    AssessmentKind,
    AssessmentSource,
    Stage,
)

from .registry import Contact, Enterprise


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


class PixCampaign(models.Model):
    """A PIX Orga campaign the programme imports, with the label its external id was
    created with (the header of that column in PIX's export)."""

    code = models.CharField("code de la campagne", max_length=30, unique=True)
    external_id_label = models.CharField(
        "libellé de l'identifiant externe",
        max_length=100,
        default="Identifiant TPE",
        help_text="Tel que saisi dans les paramètres de la campagne PIX Orga : c'est l'en-tête "
        "de la colonne de l'identifiant dans l'export des résultats.",
    )
    created_at = models.DateTimeField("importée la première fois le", auto_now_add=True)

    class Meta:
        verbose_name = "campagne PIX"
        verbose_name_plural = "campagnes PIX"
        ordering = ["code"]

    def __str__(self):
        return self.code
