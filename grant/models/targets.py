"""Targets the convention sets for the programme's figures (« objectifs »)."""

from django.core.validators import MinValueValidator
from django.db import models

from ..enums import TargetIndicator


class IndicatorTarget(models.Model):
    """A figure the convention commits to (e.g. 60 enterprises accompanied), compared in the
    report with the result at the end of the period."""

    convention = models.ForeignKey(
        "grant.Convention", on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField("indicateur", max_length=30, choices=TargetIndicator.choices)
    target = models.DecimalField(
        "objectif", max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )
    note = models.CharField("précision", max_length=255, blank=True)

    class Meta:
        verbose_name = "objectif chiffré"
        verbose_name_plural = "objectifs chiffrés"
        ordering = ["convention", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "indicator"], name="one_target_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} : {self.target}"
