"""Long imports and exports as Celery jobs: start one from a request, run it in a worker.

The request stores what the worker needs (the uploaded file, the export's filters) in a
`Job` row and sends its primary key after commit (common.queue); the worker claims the
row with a conditional UPDATE, reports progress on it, saves the produced file as a
private file and e-mails the person who asked. Below the thresholds, the request does the
work itself as before (a small import or export is faster than a round trip to a page)."""

import datetime
import logging

from celery import shared_task
from celery.signals import task_failure
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.exports import CSV_TYPE, XLSX_TYPE
from common.queue import enqueue_on_commit, send_task
from common.tabular import write_csv, write_xlsx
from partners.emails import queue_templated_email

from .exports import activity_export_table, enterprise_export_table
from .imports.tables import apply_import, prepare_import
from .models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

# Above these sizes, the work leaves the request (gunicorn's time-out is 60 s).
IMPORT_INLINE_MAX = 2_000  # rows to write
EXPORT_INLINE_MAX = 5_000  # rows to export
MAX_ERRORS_KEPT = 200
SWEEP_AFTER = datetime.timedelta(minutes=2)


def start(kind, user, *, params=None, filename="", content=None):
    """Store a job and have a worker run it once the transaction commits; returns it."""
    with transaction.atomic():
        job = Job(kind=kind, requested_by=user, params=params or {}, filename=filename)
        if content is not None:
            job.source.save(filename or "fichier", ContentFile(content), save=False)
        job.save()
        enqueue_on_commit(run_job, job.pk)
    return job


@shared_task(bind=True, soft_time_limit=1500, time_limit=1800)
def run_job(self, job_id):
    """Run one job. Safe to run twice: the row is claimed once (queued → running); a job
    whose worker died is marked failed when its message comes back (acks late)."""
    task_id = self.request.id or ""
    if not claim(job_id, task_id):
        lost = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, task_id=task_id)
        if task_id and lost.exists():
            fail(lost.get(), "Le traitement s'est arrêté avant la fin : relancez-le.")
            return "worker lost"
        return "already handled"
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        run(job)
    except Exception as error:  # the page says so in French; the log has the details
        logger.exception("Job %s failed", job_id)
        fail(
            job,
            f"Le traitement a échoué ({type(error).__name__}). Réessayez ; si l'échec "
            "persiste, prévenez l'équipe technique.",
        )
        return "failed"
    return "done"


def claim(job_id, task_id=""):
    """Take a queued job (conditional UPDATE: a second delivery finds nothing to do)."""
    return Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=1, task_id=task_id or ""
    )


def progress(job, percent, step):
    Job.objects.filter(pk=job.pk).update(progress=percent, step=step)


def finish(job, *, summary, result=None, result_name=""):
    if result is not None:
        job.result.save(result_name, ContentFile(result), save=False)
        Job.objects.filter(pk=job.pk).update(result=job.result.name, filename=result_name)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress=100,
        step="Terminé",
        summary=summary[:255],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    notify(job)


def fail(job, summary, errors=()):
    if job.source:  # an uploaded file is never kept once its import is over
        job.source.delete(save=False)
    Job.objects.filter(pk=job.pk).update(
        source="",
        status=JobStatus.FAILED,
        summary=summary[:255],
        errors=list(errors)[:MAX_ERRORS_KEPT],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    notify(job)


def notify(job):
    """An e-mail to the person who asked: the job is done (or failed), with its link."""
    user = job.requested_by
    if user.is_active:
        queue_templated_email(
            "job-finished",
            user.email,
            {"user": user, "job": job, "path": reverse("enterprises:job", args=[job.pk])},
        )


def run(job):
    """Do the job's work (called by the task once the row is claimed)."""
    if job.kind == JobKind.IMPORT_ENTERPRISES:
        run_import(job)
    else:
        run_export(job)


def run_import(job):
    progress(job, 10, "Lecture et vérification du fichier")
    with job.source.open("rb") as stored:
        content = stored.read()
    prepared = prepare_import(content, job.filename)
    if not prepared.ok:
        # Nothing written: the checks failed in the worker (data moved since the preview).
        fail(job, "Import refusé : rien n'a été enregistré.", prepared.messages())
        return
    progress(job, 50, f"Enregistrement de {len(prepared.rows)} ligne(s)")
    created, updated = apply_import(prepared, user=job.requested_by)
    job.source.delete(save=False)  # the uploaded file is no longer needed
    Job.objects.filter(pk=job.pk).update(source="")
    finish(
        job,
        summary=f"Import terminé : {created} entreprise(s) créée(s), {updated} mise(s) à jour.",
    )


def run_export(job):
    builder = (
        enterprise_export_table if job.kind == JobKind.EXPORT_ENTERPRISES else activity_export_table
    )
    progress(job, 10, "Sélection des lignes")
    table = builder(job.requested_by, job.params.get("query", {}))
    progress(job, 30, "Écriture du fichier")
    fmt = job.params.get("format")
    if fmt == "xlsx":
        content = write_xlsx(table.columns, table.rows, table.metadata, table.sheet_title)
        name = f"{table.filename}.xlsx"
    else:
        content = write_csv(table.columns, table.rows, table.metadata)
        name = f"{table.filename}.csv"
    finish(job, summary=f"Fichier prêt : {name}", result=content, result_name=name)


def content_type(job):
    return XLSX_TYPE if job.filename.endswith(".xlsx") else CSV_TYPE


@shared_task
def sweep_queued_jobs():
    """Send again the jobs left « queued » (the broker was unreachable when they were
    asked for; docs/decisions/010-redis-down.md). Safe: run_job claims a row only once."""
    forgotten = Job.objects.filter(
        status=JobStatus.QUEUED, created_at__lt=timezone.now() - SWEEP_AFTER
    )
    return sum(send_task(run_job, pk) for pk in forgotten.values_list("pk", flat=True))


@task_failure.connect(sender=run_job)
def _job_task_failed(sender=None, task_id=None, exception=None, **kwargs):
    """A failure the task could not record itself (hard time limit, killed process)."""
    for job in Job.objects.filter(task_id=task_id, status=JobStatus.RUNNING):
        logger.warning("Job %s failed outside the task: %s", job.pk, type(exception).__name__)
        fail(job, "Le traitement s'est arrêté avant la fin : relancez-le.")
