"""The grant's append-only financial journal."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.journal import AppendOnlyModel

from ..enums import FinancialEventKind


class FinancialEvent(AppendOnlyModel):
    """Append-only journal of the grant's money: who, when, what, old and new values."""

    journal_name = "Le journal financier"

    convention = models.ForeignKey(
        "grant.Convention",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="convention",
    )
    kind = models.CharField("évènement", max_length=30, choices=FinancialEventKind.choices)
    subject = models.CharField("objet", max_length=255)
    changes = models.JSONField("valeurs (avant → après)", default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "évènement financier"
        verbose_name_plural = "journal financier"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject}"
