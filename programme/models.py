"""The programme and its territory: QPVs, actions, places and reference vocabularies."""

from django.db import models
from django.db.models import Q

from .enums import PlaceKind, QpvGeneration, TermFamily
from .geo import QpvLocator


class QpvQuerySet(models.QuerySet):
    def of_generation(self, generation):
        return self.filter(generation=generation)

    def for_choices(self):
        """The 2015 QPVs by name for a choice list, without their contours (a few
        kilobytes of JSON each, decoded for nothing)."""
        return self.of_generation(QpvGeneration.G2015).order_by("name").defer("polygon")

    def containing(self, latitude, longitude, generation=QpvGeneration.G2015):
        """The QPV of `generation` whose polygon contains the WGS84 point, or None."""
        return QpvLocator(self.of_generation(generation)).locate(latitude, longitude)


class Qpv(models.Model):
    """A priority neighbourhood (quartier prioritaire de la politique de la ville)."""

    generation = models.PositiveSmallIntegerField("génération", choices=QpvGeneration.choices)
    code = models.CharField(
        "code officiel",
        max_length=10,
        blank=True,
        help_text="QP034004… pour 2015 ; le code QN des QPV de 2024 n'est pas encore connu.",
    )
    name = models.CharField("nom", max_length=150)
    commune = models.CharField("commune", max_length=100)
    insee_commune = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    valid_from = models.DateField("en vigueur depuis le")
    valid_to = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    polygon = models.JSONField(
        "contour (GeoJSON, WGS84)",
        null=True,
        blank=True,
        help_text="Contour simplifié à environ 10 m : indicatif, pas une attestation.",
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="QPV successeur (2024)",
    )
    source_note = models.CharField("source", max_length=255, blank=True)

    objects = QpvQuerySet.as_manager()

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["-generation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "name"], name="qpv_generation_name"),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="qpv_code"),
        ]

    def __str__(self):
        label = f"{self.name} ({self.generation})"
        return f"{self.code} {label}" if self.code else label


class NafCode(models.Model):
    """A sub-class of the French activity nomenclature NAF rév. 2 (732 of them)."""

    code = models.CharField("code", max_length=6, unique=True)
    label = models.CharField("libellé", max_length=255)
    class_code = models.CharField("classe", max_length=5)
    group_code = models.CharField("groupe", max_length=4)
    division = models.CharField("division", max_length=2)
    section = models.CharField("section", max_length=1, db_index=True)
    section_label = models.CharField("libellé de la section", max_length=255)

    class Meta:
        verbose_name = "code NAF"
        verbose_name_plural = "codes NAF"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.label}"


class Term(models.Model):
    """A term of the activity vocabulary, compatible with « La Coop de la médiation
    numérique » (themes, place types, equipment, autonomy…) and the programme's own
    TPE sub-themes, which hang under « Accompagner un professionnel »."""

    family = models.CharField("famille", max_length=30, choices=TermFamily.choices)
    code = models.CharField("code", max_length=60)
    label = models.CharField("libellé", max_length=200)
    note = models.CharField("note", max_length=255, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="thème parent",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "terme du vocabulaire"
        verbose_name_plural = "vocabulaire des activités"
        ordering = ["family", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["family", "code"], name="term_family_code"),
        ]

    def __str__(self):
        return self.label


class Programme(models.Model):
    """A programme run by the Métropole (« Inclusion numérique des TPE »)."""

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    owner = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name="porteur",
    )

    class Meta:
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Action(models.Model):
    """One of the programme's actions, as the délibération lists them."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="actions", verbose_name="programme"
    )
    code = models.SlugField("code", max_length=60)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    name = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    lead = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name="structure pilote",
    )
    partners = models.ManyToManyField(
        "partners.Organisation",
        blank=True,
        related_name="actions",
        verbose_name="structures associées",
    )

    class Meta:
        verbose_name = "action"
        verbose_name_plural = "actions"
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="action_programme_code"),
        ]

    def __str__(self):
        return self.name


class Place(models.Model):
    """A registered place where sessions happen (the Tiers-lieu Gisèle-Halimi…)."""

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=30, choices=PlaceKind.choices)
    organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="structure",
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    qpv = models.ForeignKey(
        Qpv,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="QPV",
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "lieu"
        verbose_name_plural = "lieux"
        ordering = ["name"]

    def __str__(self):
        return self.name
