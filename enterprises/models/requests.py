"""Requests to join the parcours, sent by entrepreneurs from the public form."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from enterprises.enums import ContactChannel, JoinRequestStatus, Need, TimeSlot
from enterprises.validators import validate_siret

from .registry import Enterprise


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequestStatus.NEW)


class JoinRequest(models.Model):
    """What an entrepreneur typed on « Rejoindre le parcours ». Personal data: it never
    reaches a partner before staff triage, and is deleted 3 months after a refusal or
    if nobody handled it (enterprises.join_requests.purge)."""

    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    role = models.CharField("fonction", max_length=100, blank=True)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, db_index=True, validators=[validate_siret]
    )
    business_name = models.CharField("nom de l'entreprise", max_length=255, blank=True)
    commune = models.CharField("commune", max_length=100)
    qpv = models.ForeignKey(
        "programme.Qpv",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="quartier",
    )
    needs = models.JSONField("besoins", default=list, blank=True)
    message = models.TextField("précisions", blank=True)
    channel = models.CharField("être recontacté·e", max_length=10, choices=ContactChannel.choices)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    time_slots = models.JSONField("créneaux", default=list, blank=True)
    consent_at = models.DateTimeField("consentement donné le")
    status = models.CharField(
        "statut", max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.NEW
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name="entreprise",
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'adhésion"
        verbose_name_plural = "demandes d'adhésion"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The triage queue's « Déjà traitées », latest first: 25 rows read in index
            # order, where a sort of every handled request (and a hash of every enterprise
            # to join them) grew with the data.
            models.Index(
                fields=["-handled_at", "-id"],
                condition=~models.Q(status=JoinRequestStatus.NEW),
                name="joinrequest_handled_latest",
            ),
        ]

    def __str__(self):
        return f"demande n° {self.pk} — {self.business_name or self.siret or 'sans nom'}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_needs_display(self):
        return [Need(code).label for code in self.needs if code in Need.values]

    def get_time_slots_display(self):
        return [TimeSlot(code).label for code in self.time_slots if code in TimeSlot.values]
