"""The public showcase (« Témoignages »): stories of digitalised entrepreneurs.

A story is published only while three things hold: the entrepreneur consented to its
exact text (a `Consent` of purpose « témoignage » whose text is the story's), staff
validated it, and the consent is not withdrawn. Editing the text after consent clears
the consent: the new text needs a new one. No contact data is ever part of a story."""

from django.conf import settings
from django.db import models
from django.db.models import F

from common.files import private_name, validate_document

from .pairs import Consent
from .registry import Enterprise


def story_photo_path(instance, filename):
    """Photos are private files: served only for a published story (its public view)."""
    return private_name("stories", filename)


class StoryQuerySet(models.QuerySet):
    def published(self):
        """Validated by staff, consented to this exact text, consent not withdrawn."""
        return self.filter(
            validated_at__isnull=False,
            consent__isnull=False,
            consent__withdrawn_at__isnull=True,
            consent__text=F("consented_text"),
        )


class Story(models.Model):
    """A digitalised entrepreneur's story, as shown on /temoignages/ and its A4 poster."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="stories", verbose_name="entreprise"
    )
    business_name = models.CharField("nom de l'entreprise (affiché)", max_length=120)
    trade = models.CharField("métier", max_length=120)
    neighbourhood = models.CharField("quartier", max_length=120)
    what_changed = models.TextField(
        "ce qui a changé", max_length=1200, help_text="Quelques phrases, sans coordonnées."
    )
    quote = models.CharField("citation", max_length=300)
    photo = models.FileField(
        "photo",
        upload_to=story_photo_path,
        blank=True,
        validators=[validate_document],
        help_text="Une photo fournie par l'entrepreneur·e (JPEG ou PNG, 10 Mo au plus).",
    )
    photo_alt = models.CharField("description de la photo", max_length=200, blank=True)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name="consentement",
    )
    consented_text = models.TextField("texte accepté", blank=True, editable=False)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validé par",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rédigé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = "témoignage"
        verbose_name_plural = "témoignages"
        ordering = ["-validated_at", "-id"]

    def __str__(self):
        return f"{self.business_name} — {self.trade}"

    def save(self, *args, **kwargs):
        # A changed text needs a new consent and a new validation.
        if self.consent_id and self.consented_text != self.text():
            self.consent, self.consented_text = None, ""
            self.validated_at, self.validated_by = None, None
        super().save(*args, **kwargs)

    def text(self):
        """The exact text the entrepreneur consents to (what the public page shows)."""
        return "\n".join(
            [
                f"Entreprise : {self.business_name}",
                f"Métier : {self.trade}",
                f"Quartier : {self.neighbourhood}",
                f"Ce qui a changé : {self.what_changed}",
                f"Citation : « {self.quote} »",
                "Photo : " + ("oui, celle que j'ai fournie" if self.photo else "aucune"),
            ]
        )

    @property
    def status(self):
        if self.consent_id and self.consent.withdrawn_at:
            return "retiré"
        if not self.consent_id or self.consented_text != self.text():
            return "en attente de l'accord de l'entrepreneur·e"
        if not self.validated_at:
            return "accepté, en attente de validation"
        return "publié"
