"""The money and the accounting for it. This issue brings the convention itself."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from .dates import add_months
from .enums import ConventionStatus


class Convention(models.Model):
    """The grant agreement between the funder and the Métropole, with its legal facts."""

    programme = models.ForeignKey(
        "programme.Programme",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="programme",
    )
    title = models.CharField("intitulé", max_length=255)
    funder = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="funded_conventions",
        verbose_name="financeur",
    )
    beneficiary = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="received_conventions",
        verbose_name="bénéficiaire",
    )
    deliberation_number = models.CharField("n° de délibération", max_length=30, unique=True)
    deliberation_date = models.DateField("date de la séance")
    vote_for = models.PositiveSmallIntegerField("voix pour", default=0)
    vote_against = models.PositiveSmallIntegerField("voix contre", default=0)
    vote_abstention = models.PositiveSmallIntegerField("abstentions", default=0)
    vote_not_taking_part = models.PositiveSmallIntegerField("ne prend pas part au vote", default=0)
    prefecture_act_id = models.CharField("identifiant de l'acte (préfecture)", max_length=80)
    published_on = models.DateField("publiée le", null=True, blank=True)
    max_amount = models.DecimalField(
        "montant maximum de la subvention",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    signed_on = models.DateField(
        "signée le",
        null=True,
        blank=True,
        help_text="La convention prend effet à sa signature par l'ensemble des parties.",
    )
    duration_months = models.PositiveSmallIntegerField("durée (mois)", default=12)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=ConventionStatus.choices,
        default=ConventionStatus.EN_PREPARATION,
    )

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-deliberation_date"]

    def __str__(self):
        return f"{self.title} ({self.deliberation_number})"

    @property
    def ends_on(self):
        """Signature date plus the duration (one year): unknown until signed."""
        if self.signed_on is None:
            return None
        return add_months(self.signed_on, self.duration_months)
