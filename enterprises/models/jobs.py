"""Long imports and exports, run by a Celery worker and followed from a page."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from common.files import private_name


def job_path(instance, filename):
    """Uploaded and produced files of jobs are private files (common.files.private_name)."""
    return private_name("jobs", filename)


class JobKind(models.TextChoices):
    IMPORT_ENTERPRISES = "import_enterprises", "import d'entreprises"
    EXPORT_ENTERPRISES = "export_enterprises", "export d'entreprises"
    EXPORT_ACTIVITIES = "export_activities", "export d'activités"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "en file d'attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échec"


class Job(models.Model):
    """One import (after its preview) or one big export, too long for a web request.

    The request stores what the task needs (the uploaded file, the export's filters) and
    the page polls `status`/`progress`; the produced file is served by a view that checks
    the job is the user's own. Only the person who asked sees a job."""

    kind = models.CharField("nature", max_length=30, choices=JobKind.choices)
    status = models.CharField(
        "statut", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=100, blank=True)
    summary = models.CharField("résultat", max_length=255, blank=True)
    errors = models.JSONField("erreurs", default=list, blank=True)
    params = models.JSONField("paramètres", default=dict, blank=True)
    filename = models.CharField("nom du fichier", max_length=255, blank=True)
    source = models.FileField("fichier déposé", upload_to=job_path, blank=True)
    result = models.FileField("fichier produit", upload_to=job_path, blank=True)
    task_id = models.CharField("tâche", max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        ordering = ["-created_at"]

    def __str__(self):
        when = timezone.localtime(self.created_at)
        return f"{self.get_kind_display().capitalize()} du {when:%d/%m/%Y à %H:%M}"

    @property
    def active(self):
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)
