"""Requests for access to an enterprise the requester cannot see (a signal to the Métropole)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from enterprises.enums import AccessOutcome, AccessRequestStatus, AssignmentStatus
from enterprises.validators import validate_siret

from .registry import Enterprise


class AccessRequest(models.Model):
    """A conseiller asks the Métropole for an enterprise they cannot see, by SIRET and
    with a reason. The request is recorded the same way whether the SIRET is in the
    programme or not: only staff learn which. Staff accept it (an orientation to the
    requester's organisation, handed to them, or the requester made referent) or refuse
    it with a reason; the requester is told by e-mail."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_requests",
        verbose_name="demandeur",
    )
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name="structure du demandeur",
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    reason = models.TextField("motif de la demande", max_length=1000)
    status = models.CharField(
        "statut",
        max_length=10,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
        verbose_name="entreprise accordée",
    )
    outcome = models.CharField(
        "accès donné par", max_length=12, choices=AccessOutcome.choices, blank=True
    )
    refusal_reason = models.CharField("motif du refus", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'accès"
        verbose_name_plural = "demandes d'accès"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"Demande d'accès n° {self.pk} ({self.get_status_display()})"

    def matching_enterprise(self):
        """The enterprise with this SIRET, if the programme has one (staff only)."""
        return Enterprise.objects.filter(siret=self.siret).first()

    def _require_pending(self):
        """Lock the row, so that two staff deciding at once cannot both act on it."""
        current = AccessRequest.objects.select_for_update().get(pk=self.pk)
        if current.status != AccessRequestStatus.PENDING:
            raise ValidationError("Cette demande a déjà été traitée.")

    @transaction.atomic
    def accept(self, outcome, *, by, assign):
        """Give access. `assign(enterprise, organisation, by=)` is the one way to create an
        orientation (passed in so that this model needs no import of the notifications)."""
        self._require_pending()
        enterprise = self.matching_enterprise()
        if enterprise is None:
            raise ValidationError(
                "Aucune entreprise du programme n'a ce SIRET : refusez la demande en invitant "
                "le demandeur à créer la fiche."
            )
        if outcome == AccessOutcome.REFERENT:
            if enterprise.referent_id not in (None, self.requester_id):
                raise ValidationError(
                    f"« {enterprise} » a déjà un référent : choisissez plutôt l'orientation."
                )
            enterprise.referent = self.requester
            enterprise.save(update_fields=["referent", "updated_at"])
        elif outcome == AccessOutcome.ORIENTATION:
            assignment = enterprise.assignments.filter(organisation=self.organisation_id).first()
            if assignment is None:
                assignment = assign(
                    enterprise,
                    self.organisation,
                    by=by,
                    message=f"Demande d'accès de {self.requester.get_full_name() or 'un membre'}.",
                )
            if assignment.handled_by_id is None and assignment.status in (
                AssignmentStatus.QUO,
                AssignmentStatus.TAKING_CARE,
            ):
                assignment.hand_over(self.requester, by=by)
        else:
            raise ValidationError("Choisissez comment donner l'accès.")
        self.status, self.outcome, self.enterprise = (
            AccessRequestStatus.ACCEPTED,
            outcome,
            enterprise,
        )
        self.decided_by, self.decided_at = by, timezone.now()
        self.save()

    @transaction.atomic
    def refuse(self, reason, *, by):
        self._require_pending()
        if not reason.strip():
            raise ValidationError("Indiquez le motif du refus : le demandeur le lira.")
        self.status, self.refusal_reason = AccessRequestStatus.REFUSED, reason.strip()
        self.decided_by, self.decided_at = by, timezone.now()
        self.save()
