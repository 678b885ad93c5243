"""The survey sent to the entrepreneur: when, to whom, and the signed single-use link.

Sent when a partner closes an orientation (`assignment_closed`), when the parcours reaches
« autonome » (a new StageChange), and six months later (a daily beat task). One e-mail
per occasion, never a reminder. The link carries only the survey's id, signed with the
project's secret and a salt of its own: a changed character, or 30 days, and it is
refused without saying anything about the enterprise."""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from partners.emails import queue_templated_email

from .enums import Stage, SurveyTrigger
from .models import Enterprise, StageChange, Survey
from .signals import assignment_closed

logger = logging.getLogger(__name__)

SALT = "enterprises.survey"
LINK_MAX_AGE = datetime.timedelta(days=30)
SIX_MONTHS = datetime.timedelta(days=182)
# Enterprises autonomous for longer than this when the task first runs are left alone.
SIX_MONTHS_WINDOW = datetime.timedelta(days=365)


def survey_token(survey):
    return signing.dumps(survey.pk, salt=SALT)


class InvalidLink(Exception):
    """The link was changed, has expired or was already used; `reason` says which."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def survey_from_token(token):
    """The survey a link designates, still open to answers; else InvalidLink."""
    try:
        pk = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidLink("expired") from None
    except signing.BadSignature:
        raise InvalidLink("invalid") from None
    survey = Survey.objects.filter(pk=pk).select_related("enterprise", "organisation").first()
    if survey is None:
        raise InvalidLink("invalid")
    if survey.completed_at is not None:
        raise InvalidLink("used")
    return survey


def consenting_contact(enterprise):
    """The first contact who gave consent and an e-mail address (and was not anonymised)."""
    return (
        enterprise.contacts.filter(anonymised_at__isnull=True, consent_date__isnull=False)
        .exclude(email="")
        .order_by("id")
        .first()
    )


def send_survey(enterprise, trigger, *, assignment=None, now=None):
    """Create the survey and queue its e-mail; None when there is nobody to ask."""
    if assignment is not None and Survey.objects.filter(assignment=assignment).exists():
        return None
    contact = consenting_contact(enterprise)
    if contact is None:
        return None
    survey = Survey.objects.create(
        enterprise=enterprise,
        contact=contact,
        trigger=trigger,
        assignment=assignment,
        organisation=assignment.organisation if assignment else None,
        sent_at=now or timezone.now(),
    )
    url = settings.SITE_URL + reverse("enterprises:survey", args=[survey_token(survey)])
    queue_templated_email(
        "survey",
        contact.email,
        {
            "survey": survey,
            "enterprise": enterprise,
            "contact": contact,
            "url": url,
            "taps": [(n, f"{url}?utile={n}") for n in range(1, 6)],
            "expires": timezone.localdate() + LINK_MAX_AGE,
        },
    )
    return survey


@receiver(assignment_closed)
def _closed(sender, assignment, **kwargs):
    send_survey(assignment.enterprise, SurveyTrigger.CLOSED, assignment=assignment)


@receiver(post_save, sender=StageChange)
def _autonomous(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.to_stage == Stage.AUTONOME:
        send_survey(instance.enterprise, SurveyTrigger.AUTONOMOUS)


def send_six_month_surveys(now=None):
    """The daily beat task's work: enterprises « autonome » for six months (and at most a
    year) that were not asked since they became autonomous. Returns how many were sent."""
    now = now or timezone.now()
    asked = Survey.objects.filter(
        enterprise=OuterRef("pk"),
        trigger=SurveyTrigger.SIX_MONTHS,
        sent_at__gte=OuterRef("stage_changed_at"),
    )
    due = Enterprise.objects.filter(
        stage=Stage.AUTONOME,
        stage_changed_at__lte=now - SIX_MONTHS,
        stage_changed_at__gt=now - SIX_MONTHS_WINDOW,
    ).filter(~Exists(asked))
    sent = 0
    for enterprise in due.only("pk", "name", "trade_name", "stage_changed_at"):
        if send_survey(enterprise, SurveyTrigger.SIX_MONTHS, now=now):
            sent += 1
    logger.info("Six-month surveys sent: %s", sent)
    return sent
