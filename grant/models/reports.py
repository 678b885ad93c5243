"""One generation of the convention report."""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone

from common.files import private_name

from ..enums import (
    ReportKind,
    ReportStatus,
)
from .money import Convention


def report_path(instance, filename):
    """Reports are private files (common.files.private_name)."""
    return private_name("reports", filename)


NARRATIVE_MAX = 20_000


class Report(models.Model):
    """One generation of the convention report: its period, its files, its checksum.
    Once transmitted to the funder it is locked: never regenerated nor deleted."""

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="reports", verbose_name="convention"
    )
    kind = models.CharField("nature", max_length=15, choices=ReportKind.choices)
    start = models.DateField("du")
    end = models.DateField("au")
    version = models.PositiveSmallIntegerField("version", default=1)
    context = models.TextField("contexte", blank=True, max_length=NARRATIVE_MAX)
    highlights = models.TextField("faits marquants", blank=True, max_length=NARRATIVE_MAX)
    difficulties = models.TextField("difficultés", blank=True, max_length=NARRATIVE_MAX)
    outlook = models.TextField("perspectives", blank=True, max_length=NARRATIVE_MAX)
    status = models.CharField(
        "statut", max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=100, blank=True)
    error = models.CharField("erreur", max_length=255, blank=True)
    pdf = models.FileField("rapport (PDF)", upload_to=report_path, blank=True)
    xlsx = models.FileField("annexe (XLSX)", upload_to=report_path, blank=True)
    checksum = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    xlsx_checksum = models.CharField("empreinte SHA-256 de l'annexe", max_length=64, blank=True)
    # Which Celery task and worker claimed the generation: a message delivered again to
    # the same task id means the worker running it died (grant.tasks.generate_report).
    task_id = models.CharField("tâche", max_length=64, blank=True)
    worker = models.CharField("worker", max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    transmitted_at = models.DateTimeField("transmis au financeur le", null=True, blank=True)
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "rapport"
        verbose_name_plural = "rapports"
        ordering = ["-created_at"]
        constraints = [
            # One generation at a time per convention, kind and period (ten « Générer »
            # at once give one report), and one number per version of that report.
            models.UniqueConstraint(
                fields=["convention", "kind", "start", "end"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_one_generation_at_a_time",
                violation_error_message="Ce rapport est déjà en cours de génération.",
            ),
            models.UniqueConstraint(
                fields=["convention", "kind", "start", "end", "version"],
                name="report_unique_version",
            ),
        ]

    def __str__(self):
        return (
            f"Rapport {self.get_kind_display()} v{self.version} — "
            f"{self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
        )

    @classmethod
    def next_version(cls, convention, kind, start, end):
        """The number of a new generation of this report (convention, kind, period)."""
        latest = cls.objects.filter(
            convention=convention, kind=kind, start=start, end=end
        ).aggregate(models.Max("version"))["version__max"]
        return (latest or 0) + 1

    @property
    def locked(self):
        return self.transmitted_at is not None

    def is_stale(self, now=None):
        """A generation whose worker died: running (or queued) for far too long."""
        now = now or timezone.now()
        if self.status == ReportStatus.RUNNING and self.started_at:
            return now - self.started_at > STALE_AFTER
        return self.status == ReportStatus.QUEUED and now - self.created_at > STALE_AFTER

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "La fin de la période précède son début."
        convention = self.convention if self.convention_id else None
        if convention is not None and convention.signed_on is None:
            errors[NON_FIELD_ERRORS] = (
                "La convention n'a pas de date de signature : saisissez-la d'abord."
            )
        elif (
            convention is not None
            and self.start
            and self.end
            and (self.start < convention.signed_on or self.end > convention.ends_on)
        ):
            errors["start"] = (
                f"La période doit tenir dans la convention, du {convention.signed_on:%d/%m/%Y} "
                f"au {convention.ends_on:%d/%m/%Y}."
            )
        for name in ("context", "highlights", "difficulties", "outlook"):
            value = getattr(self, name) or ""
            if "<" in value and ">" in value:
                errors[name] = "Texte simple seulement : pas de balises HTML."
        if errors:
            raise ValidationError(errors)


STALE_AFTER = datetime.timedelta(minutes=15)
