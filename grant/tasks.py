import io
import logging
import tempfile
import zipfile
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from partners.emails import queue_templated_email

from .enums import ReportStatus, ResearchJobStatus
from .models import Report, ResearchJob
from .reports import build
from .research.export import build_dataset

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=300, time_limit=360)
def generate_report(report_id):
    """Render one report. Safe to run twice: the row is claimed (queued → running) with a
    conditional UPDATE, so a second run finds nothing to do."""
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), progress=5, step="Démarrage"
    )
    if not claimed:
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
