from celery import shared_task

from .jobs import run_job, sweep_queued_jobs  # noqa: F401  (the worker finds them here)
from .notifications import send_reminders, send_weekly_digests


@shared_task
def remind_partners():
    """Daily (Celery beat): reminders at 9 and 21 days, expiry at 45 days."""
    return send_reminders()


@shared_task
def weekly_digest():
    """Weekly (Celery beat): the digest for members who chose it."""
    return send_weekly_digests()
