"""Orientations: an enterprise handed to a partner organisation (the partner inbox)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from enterprises.enums import (
    CLOSED_STATUSES,
    ENDED_STATUSES,
    AssignmentStatus,
    DeclineReason,
)
from enterprises.signals import assignment_closed
from partners.models import Membership, Organisation

from .registry import Enterprise

# An orientation is « open » while the partner has not answered for good.
OPEN_STATUSES = (AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE)


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def open_for(self, enterprise, organisation):
        """The open orientation of this enterprise to this organisation (at most one)."""
        return self.open().filter(enterprise=enterprise, organisation=organisation)

    def working(self):
        """Orientations the partner works on or worked on: not declined, not expired.
        They give the right to edit the enterprise and see its contacts."""
        return self.exclude(status__in=ENDED_STATUSES)

    def giving_sight(self, now=None):
        """Orientations that let the partner see the enterprise: all but those declined or
        expired more than ORIENTATION_GRACE_DAYS ago (a missing date counts as long ago)."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.ORIENTATION_GRACE_DAYS)
        declined = models.Q(status=AssignmentStatus.NOT_FOR_ME) & (
            models.Q(declined_at__lt=cutoff) | models.Q(declined_at__isnull=True)
        )
        expired = models.Q(status=AssignmentStatus.EXPIRED) & (
            models.Q(expired_at__lt=cutoff) | models.Q(expired_at__isnull=True)
        )
        return self.exclude(declined | expired)


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

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
        help_text="Qui a clôturé ou décliné l'orientation.",
    )

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-created_at"]
        constraints = [
            # One open orientation per enterprise and structure; once answered, the
            # Métropole may orient it there again (the action is not part of the key).
            models.UniqueConstraint(
                fields=["enterprise", "organisation"],
                condition=Q(status__in=["quo", "taking_care"]),
                name="assignment_one_open_per_organisation",
                violation_error_message=(
                    "Cette entreprise est déjà orientée vers cette structure, et cette "
                    "orientation est encore en attente ou en cours."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.enterprise} → {self.organisation}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def refuse_if_already_open(self):
        """Raise the French refusal when this enterprise already has an open orientation
        to this organisation (other than this one)."""
        if not self.is_open:
            return
        existing = (
            Assignment.objects.open_for(self.enterprise_id, self.organisation_id)
            .exclude(pk=self.pk)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                f"« {existing.enterprise} » est déjà orientée vers « {existing.organisation} » "
                f"depuis le {timezone.localtime(existing.created_at):%d/%m/%Y} (statut : "
                f"{existing.get_status_display()})."
            )

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

    def check_close(self, outcome):
        """Raise the French refusal when this orientation cannot be closed so."""
        if outcome not in CLOSED_STATUSES:
            raise ValidationError(
                "Choisissez l'issue : aide proposée, pas d'aide ou non joignable."
            )
        self._require(
            AssignmentStatus.TAKING_CARE, doing="la clôturer sans l'avoir prise en charge"
        )

    def close(self, outcome, *, by, note=""):
        self.check_close(outcome)
        self.status, self.closed_at, self.closing_note = outcome, timezone.now(), note
        self.decided_by = by
        self._history_user = by
        self.save()
        assignment_closed.send(sender=Assignment, assignment=self)

    def decline(self, reason, *, by, note=""):
        self._require(AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE, doing="la refuser")
        if reason not in DeclineReason.values:
            raise ValidationError("Indiquez le motif du refus.")
        if reason == DeclineReason.AUTRE and not note.strip():
            raise ValidationError("Précisez le motif du refus.")
        self.status, self.declined_at = AssignmentStatus.NOT_FOR_ME, timezone.now()
        self.decline_reason, self.decline_note, self.handled_by = reason, note, by
        self.decided_by = by
        self._history_user = by
        self.save()

    def hand_over(self, colleague, *, by):
        """An administrateur of the organisation gives it to a colleague of theirs."""
        if (
            not Membership.objects.active()
            .of(colleague)
            .filter(organisation=self.organisation_id)
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
    return Organisation.objects.filter(
        models.Exists(Assignment.objects.filter(organisation=models.OuterRef("pk")))
    ).only("name")
