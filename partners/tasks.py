import datetime

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from common.queue import send_task

from .enums import EmailStatus
from .models import OutboundEmail


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_email(self, email_id):
    """Send one stored e-mail. Safe to run twice: the row is claimed before sending."""
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status__in=[EmailStatus.QUEUED, EmailStatus.FAILED]
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to]
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED, last_error=type(exc).__name__
        )
        raise self.retry(exc=exc) from exc
    # The bodies may hold single-use links: keep only what the journal needs.
    OutboundEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), body_text="", body_html=""
    )


SWEEP_AFTER = datetime.timedelta(minutes=2)


@shared_task
def sweep_queued_emails():
    """Send again the e-mails left « queued » (the broker was unreachable when they were
    stored). Safe: send_email claims a row only once."""
    forgotten = OutboundEmail.objects.filter(
        status=EmailStatus.QUEUED, created_at__lt=timezone.now() - SWEEP_AFTER
    )
    sent = 0
    for pk in forgotten.values_list("pk", flat=True):
        sent += send_task(send_email, pk)
    return sent


@worker_ready.connect
def _sweep_at_worker_start(sender=None, **kwargs):
    """Send the e-mails left « queued » while no worker ran, as a task run by the worker's
    own processes: the main process opens no database connection its children would
    share."""
    send_task(sweep_queued_emails)
