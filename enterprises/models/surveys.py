"""The entrepreneur's voice: a short survey sent after an orientation or the parcours."""

from django.db import models
from django.utils import timezone

from enterprises.enums import Need, Recontacted, SurveyTrigger

from .orientations import Assignment
from .registry import Contact, Enterprise

SATISFIED_FROM = 4  # « utile » means 4 or 5 out of 5


class SurveyQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)


class Survey(models.Model):
    """One survey e-mail sent to an enterprise's consenting contact, and its answer.

    The link carries only this row's id, signed (enterprises.surveys). The first answer
    (usefulness, one tap in the e-mail) may be changed until the form is sent; once
    `completed_at` is set the link is spent."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="surveys", verbose_name="entreprise"
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="contact",
    )
    trigger = models.CharField("envoyé après", max_length=12, choices=SurveyTrigger.choices)
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name="orientation",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name="structure concernée",
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    answered_at = models.DateTimeField("première réponse le", null=True, blank=True)
    completed_at = models.DateTimeField("réponse complète le", null=True, blank=True)
    recontacted = models.CharField(
        "recontacté·e", max_length=3, choices=Recontacted.choices, blank=True
    )
    usefulness = models.PositiveSmallIntegerField(
        "utilité (1 à 5)", null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)]
    )
    allowed = models.JSONField("cela a permis de", default=list, blank=True)
    comment = models.TextField("commentaire", blank=True)
    comment_shareable = models.BooleanField("commentaire visible du partenaire", default=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "questionnaire de satisfaction"
        verbose_name_plural = "questionnaires de satisfaction"
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One survey per closed orientation (closing twice never sends twice).
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(trigger=SurveyTrigger.CLOSED),
                name="survey_one_per_closed_assignment",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "answered_at"])]

    def __str__(self):
        return f"questionnaire n° {self.pk} ({self.get_trigger_display()})"

    @property
    def satisfied(self):
        return self.usefulness is not None and self.usefulness >= SATISFIED_FROM

    def get_allowed_display(self):
        return [Need(code).label for code in self.allowed if code in Need.values]
