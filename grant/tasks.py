import datetime
import io
import logging
import tempfile
import zipfile
from pathlib import Path

from celery import shared_task
from celery.signals import task_failure, worker_ready
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from common.queue import send_task
from partners.emails import queue_templated_email

from .enums import ReportStatus, ResearchJobStatus
from .models import Report, ResearchJob
from .reports import build
from .research.export import build_dataset

logger = logging.getLogger(__name__)


SWEEP_AFTER = datetime.timedelta(minutes=2)
WORKER_LOST = (
    "Le processus qui générait ce rapport s'est arrêté avant la fin. Relancez la génération."
)


def mark_lost(queryset, reason):
    """Mark the generations in `queryset` still running as failed (their worker died)."""
    lost = queryset.filter(status=ReportStatus.RUNNING).update(
        status=ReportStatus.FAILED, error=WORKER_LOST, finished_at=timezone.now()
    )
    if lost:
        logger.warning("%s report generation(s) marked failed: %s", lost, reason)
    return lost


# Acks late and rejected when the worker process dies: the message comes back at once
# (or after the broker's visibility timeout if the whole worker vanished) to the same
# task id, which then finds its own claim still « running » and marks it failed.
@shared_task(
    bind=True, soft_time_limit=300, time_limit=360, acks_late=True, reject_on_worker_lost=True
)
def generate_report(self, report_id):
    """Render one report. Safe to run twice: the row is claimed (queued → running) with a
    conditional UPDATE, so a second run finds nothing to do."""
    task_id = self.request.id or ""
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        progress=5,
        step="Démarrage",
        task_id=task_id,
        worker=self.request.hostname or "",
    )
    if not claimed:
        if task_id and mark_lost(
            Report.objects.filter(pk=report_id, task_id=task_id), "delivered again"
        ):
            return "worker lost"
        return "already handled"
    report = Report.objects.select_related("convention", "requested_by").get(pk=report_id)
    try:
        build(report)
    except Exception as error:  # the page must say so, in French, with « Relancer »
        logger.exception("Report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED,
            error=f"La génération a échoué ({type(error).__name__}). Relancez-la ; si l'échec "
            "persiste, prévenez l'équipe technique.",
            finished_at=timezone.now(),
        )
        return "failed"
    user = report.requested_by
    if user is not None and user.is_active:
        with transaction.atomic():
            queue_templated_email(
                "report-ready",
                user.email,
                {"user": user, "report": report, "site_url": settings.SITE_URL},
            )
    return "done"


@shared_task(soft_time_limit=600, time_limit=660)
def export_research(job_id):
    """Build one research export into a ZIP. Claimed like a report: safe to run twice."""
    claimed = ResearchJob.objects.filter(pk=job_id, status=ResearchJobStatus.QUEUED).update(
        status=ResearchJobStatus.RUNNING, progress=5
    )
    if not claimed:
        return "already handled"
    job = ResearchJob.objects.select_related("study", "requested_by").get(pk=job_id)

    def progress(percent):
        ResearchJob.objects.filter(pk=job_id).update(progress=min(percent, 95))

    try:
        with tempfile.TemporaryDirectory() as directory:
            build_dataset(
                job.study, job.start, job.end, directory, by=job.requested_by, progress=progress
            )
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(Path(directory).iterdir()):
                    archive.write(path, path.name)
        job.archive.save("export.zip", ContentFile(buffer.getvalue()), save=False)
    except Exception as error:
        logger.exception("Research export %s failed", job_id)
        ResearchJob.objects.filter(pk=job_id).update(
            status=ResearchJobStatus.FAILED,
            error=f"L'export a échoué ({type(error).__name__}). Relancez-le ; si l'échec "
            "persiste, prévenez l'équipe technique.",
            finished_at=timezone.now(),
        )
        return "failed"
    ResearchJob.objects.filter(pk=job_id).update(
        archive=job.archive.name,
        status=ResearchJobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    return "done"


@task_failure.connect(sender=generate_report)
def _report_task_failed(sender=None, task_id=None, exception=None, **kwargs):
    """A failure the task could not record itself (hard time limit, killed child)."""
    mark_lost(Report.objects.filter(task_id=task_id), type(exception).__name__)


@worker_ready.connect
def _worker_restarted(sender=None, **kwargs):
    """A worker that starts again under the same name ran nothing since: what it had
    claimed died with it. The work is sent as a task, run by the worker's own processes:
    the main process opens no database connection its forked children would share."""
    send_task(recover_after_restart, getattr(sender, "hostname", ""))


@shared_task
def recover_after_restart(hostname):
    """Mark failed what `hostname` had claimed before it restarted; send the forgotten
    queued reports again."""
    if hostname:
        mark_lost(Report.objects.filter(worker=hostname), f"worker {hostname} restarted")
    return sweep_queued_reports()


@shared_task
def sweep_queued_reports():
    """Send again the reports left « queued » (the broker was unreachable when they were
    asked for). Safe: generate_report claims a row only once."""
    # A report asked for a moment ago is probably on its way: leave it to its message.
    forgotten = Report.objects.filter(
        status=ReportStatus.QUEUED, created_at__lt=timezone.now() - SWEEP_AFTER
    )
    sent = 0
    for pk in forgotten.values_list("pk", flat=True):
        sent += send_task(generate_report, pk)
    # Research exports asked for while the broker was unreachable, likewise.
    research = ResearchJob.objects.filter(
        status=ResearchJobStatus.QUEUED, created_at__lt=timezone.now() - SWEEP_AFTER
    )
    for pk in research.values_list("pk", flat=True):
        sent += send_task(export_research, pk)
    return sent
