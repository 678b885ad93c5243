"""Studies of the university and the exports made for them."""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from common.files import private_name
from common.journal import AppendOnlyModel

from ..enums import ResearchEventKind, ResearchJobStatus


def new_study_key():
    """A 256-bit key, kept in the database and never exported."""
    return secrets.token_hex(32)


class Study(models.Model):
    """A named study of the university (MRE, Chaire Cit'Us…) with its own pseudonymisation
    key, so that the files of two studies cannot be linked."""

    name = models.CharField("nom de l'étude", max_length=100, unique=True)
    team = models.CharField("équipe", max_length=200, blank=True)
    key = models.CharField(max_length=64, default=new_study_key, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    key_rotated_at = models.DateTimeField("clé renouvelée le", null=True, blank=True)

    class Meta:
        verbose_name = "étude"
        verbose_name_plural = "études"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @transaction.atomic
    def rotate_key(self, by=None):
        """A new key: the study's earlier files can no longer be linked to the new ones."""
        self.key = new_study_key()
        self.key_rotated_at = timezone.now()
        self.save(update_fields=["key", "key_rotated_at"])
        ResearchExportEvent.objects.create(study=self, kind=ResearchEventKind.ROTATION, by=by)


class ResearchExportEvent(AppendOnlyModel):
    """Append-only journal of research exports and key rotations: who, which study,
    which period, the SHA-256 of each file."""

    journal_name = "Le journal des exports de recherche"

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("évènement", max_length=20, choices=ResearchEventKind.choices)
    start = models.DateField("du", null=True, blank=True)
    end = models.DateField("au", null=True, blank=True)
    checksums = models.JSONField("empreintes SHA-256", default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "évènement d'export de recherche"
        verbose_name_plural = "journal des exports de recherche"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.study}"


def research_path(instance, filename):
    """Research archives are private files (common.files.private_name)."""
    return private_name("research", filename)


class ResearchJob(models.Model):
    """One export asked from the staff page, built by a Celery task."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="jobs")
    start = models.DateField("du")
    end = models.DateField("au")
    status = models.CharField(
        "état",
        max_length=10,
        choices=ResearchJobStatus.choices,
        default=ResearchJobStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    error = models.CharField("erreur", max_length=255, blank=True)
    archive = models.FileField("archive (ZIP)", upload_to=research_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export de recherche"
        verbose_name_plural = "exports de recherche"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.study} — {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"
