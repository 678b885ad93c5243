"""The TPE and what happens to them.

The foundation brings the enterprise's identity and place; the registry issue adds
contacts, the parcours history, the visibility rule, imports and exports.
"""

from django.conf import settings
from django.db import models

from programme.enums import QpvGeneration
from programme.models import Qpv

from .enums import HeadcountBand, QpvSource, Source, Stage
from .validators import normalise_siret, validate_siret


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
    headcount_band = models.CharField(
        "tranche d'effectif", max_length=2, choices=HeadcountBand.choices, blank=True
    )
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
    stage = models.CharField(
        "étape du parcours", max_length=20, choices=Stage.choices, default=Stage.REPEREE
    )
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

    class Meta:
        verbose_name = "entreprise"
        verbose_name_plural = "entreprises"
        ordering = ["name"]

    def __str__(self):
        return self.trade_name or self.name

    @property
    def siren(self):
        return self.siret[:9]

    def clean(self):
        super().clean()
        self.siret = normalise_siret(self.siret)

    def locate(self):
        """Set the 2015 QPV from the point, unless it was chosen by hand."""
        if self.qpv_source == QpvSource.MANUAL:
            return
        if self.latitude is None or self.longitude is None:
            self.qpv, self.qpv_source = None, QpvSource.NONE
            return
        self.qpv = Qpv.objects.containing(self.latitude, self.longitude)
        self.qpv_source = QpvSource.POINT if self.qpv else QpvSource.NONE
