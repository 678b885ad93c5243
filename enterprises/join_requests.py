"""What happens to a request to join: protection of the public form, triage by staff
(accept, merge, refuse), the reminder to staff and the deletion of old requests."""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partners.emails import queue_templated_email
from partners.models import User

from .enums import ConsentMethod, JoinRequestStatus, QpvSource, Source
from .models import Contact, Enterprise, JoinRequest
from .notifications import assign

logger = logging.getLogger(__name__)

CONSENT_PURPOSE = (
    "Être recontacté·e et accompagné·e au numérique dans le programme "
    "« Inclusion numérique des TPE » de la Métropole"
)
REMIND_AFTER_WORKING_DAYS = 5
RETENTION = datetime.timedelta(days=90)


# --- Protection of the public form -------------------------------------------------


def client_ip(request):
    """The visitor's address, behind as many trusted proxies as allauth is told."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def over_ip_limit(request):
    """Count this request against the visitor's address (hashed: no address is kept);
    True beyond JOIN_MAX_PER_IP_PER_HOUR. A cache that does not answer lets the request
    through (and says so in the log): losing a shopkeeper costs more than one spam."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    key = f"join-ip:{digest[:32]}"
    try:
        cache.add(key, 0, timeout=3600)
        count = cache.incr(key)
    except Exception:
        logger.warning("Join form: rate-limit cache unavailable, request let through")
        return False
    return count > settings.JOIN_MAX_PER_IP_PER_HOUR


def over_siret_limit(siret, now=None):
    """True when this SIRET already sent JOIN_MAX_PER_SIRET_PER_DAY requests today."""
    if not siret:
        return False
    start = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    sent = JoinRequest.objects.filter(siret=siret, created_at__gte=start).count()
    return sent >= settings.JOIN_MAX_PER_SIRET_PER_DAY


def acknowledge(join_request):
    if join_request.email:
        queue_templated_email("join-received", join_request.email, {"request": join_request})


# --- Triage ------------------------------------------------------------------------


def _contact_for(join_request, enterprise):
    return Contact.objects.create(
        enterprise=enterprise,
        first_name=join_request.first_name,
        last_name=join_request.last_name,
        role=join_request.role or "dirigeant(e)",
        email=join_request.email,
        phone=join_request.phone,
        consent_date=timezone.localdate(join_request.consent_at),
        consent_method=ConsentMethod.EN_LIGNE,
        consent_purpose=CONSENT_PURPOSE,
    )


def _close(join_request, status, enterprise, by):
    join_request.status, join_request.enterprise = status, enterprise
    join_request.handled_by, join_request.handled_at = by, timezone.now()
    join_request.save()


def _require_new(join_request):
    if join_request.status != JoinRequestStatus.NEW:
        raise ValidationError(
            f"Cette demande a déjà été traitée ({join_request.get_status_display()})."
        )


@transaction.atomic
def accept(join_request, *, by, siret, name, organisation=None, message=""):
    """Create the enterprise « repérée » (source « demande en ligne »), or link the one
    that has this SIRET; add the contact with its consent; orient it if asked.
    Returns (enterprise, created, assignment)."""
    _require_new(join_request)
    enterprise = Enterprise.objects.filter(siret=siret).first()
    created = enterprise is None
    if created:
        enterprise = Enterprise(
            siret=siret,
            name=name,
            commune=join_request.commune,
            source=Source.EN_LIGNE,
        )
        if join_request.qpv_id:
            enterprise.qpv, enterprise.qpv_source = join_request.qpv, QpvSource.MANUAL
        enterprise._history_user = by
        enterprise.full_clean()
        enterprise.save()
    _contact_for(join_request, enterprise)
    _close(join_request, JoinRequestStatus.ACCEPTED, enterprise, by)
    assignment = None
    if organisation is not None:
        assignment = assign(enterprise, organisation, by=by, message=message)
    return enterprise, created, assignment


@transaction.atomic
def merge(join_request, enterprise, *, by):
    """The request is about an enterprise already known: add the contact to it."""
    _require_new(join_request)
    _contact_for(join_request, enterprise)
    _close(join_request, JoinRequestStatus.MERGED, enterprise, by)


@transaction.atomic
def refuse(join_request, reason, *, by):
    """Refuse with a reason, told to the requester when they gave an e-mail address."""
    _require_new(join_request)
    if not reason.strip():
        raise ValidationError("Indiquez le motif du refus : il est envoyé au demandeur.")
    join_request.refusal_reason = reason.strip()
    _close(join_request, JoinRequestStatus.REFUSED, None, by)
    if join_request.email:
        queue_templated_email("join-refused", join_request.email, {"request": join_request})


# --- Reminders and deletion ---------------------------------------------------------


def working_days_before(moment, days):
    """The moment `days` working days (Monday to Friday) before `moment`. Public holidays
    are not counted out: a reminder a day early does no harm."""
    while days:
        moment -= datetime.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def staff_recipients():
    return User.objects.filter(is_staff=True, is_active=True).exclude(email="")


def remind_staff(now=None):
    """Tell staff, once per request, about requests untouched for 5 working days. Each
    request is claimed with a conditional UPDATE, so running twice sends nothing twice."""
    now = now or timezone.now()
    limit = working_days_before(timezone.localtime(now), REMIND_AFTER_WORKING_DAYS)
    due = []
    for join_request in JoinRequest.objects.pending().filter(
        created_at__lte=limit, reminded_at__isnull=True
    ):
        claimed = JoinRequest.objects.filter(pk=join_request.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed:
            due.append(join_request)
    if due:
        for user in staff_recipients():
            queue_templated_email("join-reminder", user.email, {"user": user, "requests": due})
    return len(due)


def purge(now=None):
    """Delete requests refused, or never handled, more than 3 months ago (personal data).
    Accepted and merged ones keep their link: their data now lives in the contact."""
    now = now or timezone.now()
    limit = now - RETENTION
    refused = JoinRequest.objects.filter(
        status=JoinRequestStatus.REFUSED, handled_at__lte=limit
    ).delete()[0]
    untouched = JoinRequest.objects.filter(
        status=JoinRequestStatus.NEW, created_at__lte=limit
    ).delete()[0]
    logger.info("Join requests deleted: %s refused, %s untouched", refused, untouched)
    return {"refused": refused, "untouched": untouched}
