from celery import shared_task

from . import join_requests, surveys
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


@shared_task
def remind_join_requests():
    """Daily (Celery beat): tell staff about requests to join untouched for 5 working days."""
    return join_requests.remind_staff()


@shared_task
def purge_join_requests():
    """Daily (Celery beat): delete requests refused or untouched for 3 months."""
    return join_requests.purge()


@shared_task
def six_month_surveys():
    """Daily (Celery beat): the survey six months after « autonome »."""
    return surveys.send_six_month_surveys()
