import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partners.emails import queue_templated_email

from .enums import ReportStatus
from .models import Report
from .reports import build

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
