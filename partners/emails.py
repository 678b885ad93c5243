"""E-mails: rendered from three templates, stored, then sent by a Celery task."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from common.queue import enqueue_on_commit

from .models import OutboundEmail
from .tasks import send_email


def queue_email(to, subject, body_text, body_html="", kind=""):
    """Store the message and have a worker send it once the transaction commits. With the
    broker unreachable, the row stays « queued » and the sweeper sends it later."""
    email = OutboundEmail.objects.create(
        to=to,
        kind=kind,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
    )
    enqueue_on_commit(send_email, email.pk)
    return email


def queue_templated_email(name, to, context):
    """Render `emails/<name>-subject.txt`, `-body-text.txt` and `-body-html.html`, then queue.

    Each e-mail is three templates, as healthchecks does."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    body_text = render_to_string(f"emails/{name}-body-text.txt", context)
    body_html = render_to_string(f"emails/{name}-body-html.html", context)
    return queue_email(to, subject, body_text, body_html, kind=name)


def queue_rendered_message(message):
    """Queue a Django EmailMessage rendered by allauth (password reset, codes…)."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    body = message.body
    if getattr(message, "content_subtype", "plain") == "html":
        html, body = body, strip_tags(body)
    for recipient in message.to:
        queue_email(recipient, message.subject, body, html)
