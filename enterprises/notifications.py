"""Who is told what about assignments, by e-mail (queued, sent by a Celery task)."""

import datetime

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from partners.emails import queue_templated_email
from partners.enums import EmailFrequency
from partners.models import Membership, OutboundEmail, User

from .enums import AssignmentStatus
from .models import Assignment
from .signals import records_changed

FIRST_REMINDER = datetime.timedelta(days=9)
LAST_REMINDER = datetime.timedelta(days=21)
EXPIRY = datetime.timedelta(days=45)
QUIET = datetime.timedelta(days=3)  # never two reminders to the same person within 3 days
REMINDER_KINDS = ["assignment-reminder"]


def members(organisation_id, frequency=None):
    users = User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
    ).distinct()
    return users.filter(email_frequency=frequency) if frequency else users


def notify_assigned(assignment):
    """Tell the organisation's members (those who want one e-mail per event)."""
    for user in members(assignment.organisation_id, EmailFrequency.IMMEDIATE):
        queue_templated_email(
            "assignment-new", user.email, {"user": user, "assignment": assignment}
        )


# « <structure> a … l'orientation de <entreprise> » — the outcome goes in the status line.
EVENTS = {
    AssignmentStatus.TAKING_CARE: "pris en charge",
    AssignmentStatus.NOT_FOR_ME: "décliné",
    AssignmentStatus.DONE: "clôturé",
    AssignmentStatus.DONE_NO_HELP: "clôturé",
    AssignmentStatus.DONE_NOT_REACHABLE: "clôturé",
}


def notify_assigner(assignment):
    """Tell whoever assigned it that the partner took it, declined it or closed it."""
    user = assignment.assigned_by
    if user is None or not user.is_active:
        return
    event = EVENTS.get(assignment.status, "mis à jour")
    queue_templated_email(
        "assignment-update", user.email, {"user": user, "assignment": assignment, "event": event}
    )


def assign(enterprise, organisation, *, by, action=None, message="", assignment=None):
    """The one way to orient an enterprise to an organisation (enterprise page, admin
    inline, admin add form, bulk action): refuses when an open orientation to that
    organisation exists (the database enforces it too), saves, and tells the members.
    `assignment` is an unsaved instance to use (the admin's form). Returns the assignment;
    its `notified` attribute counts the members who will hear of it."""
    if assignment is None:
        assignment = Assignment(enterprise=enterprise, organisation=organisation)
    assignment.enterprise, assignment.organisation = enterprise, organisation
    if action is not None:
        assignment.action = action
    if message:
        assignment.message = message
    if assignment.assigned_by_id is None:
        assignment.assigned_by = by
    assignment.refuse_if_already_open()
    assignment._history_user = by
    try:
        with transaction.atomic():
            assignment.save()
            notify_assigned(assignment)
    except IntegrityError:
        # Two people oriented it at the same moment: the constraint kept one.
        assignment.pk = None
        assignment.refuse_if_already_open()
        raise
    assignment.notified = members(organisation.pk).count()
    if not assignment.notified and not getattr(by, "is_staff", False):
        # A conseiller oriented to an empty structure: the Métropole must know (staff who
        # orient see it on screen).
        for user in User.objects.filter(is_active=True, is_staff=True):
            queue_templated_email(
                "assignment-unreached", user.email, {"user": user, "assignment": assignment}
            )
    return assignment


def notify_access_requested(access_request):
    """Tell the Métropole's staff that a conseiller asks for access (no SIRET in the mail)."""
    for user in User.objects.filter(is_active=True, is_staff=True):
        queue_templated_email(
            "access-request-new", user.email, {"user": user, "access_request": access_request}
        )


def notify_access_decided(access_request):
    """Tell the requester what the Métropole decided."""
    user = access_request.requester
    if user.is_active:
        queue_templated_email(
            "access-request-decided", user.email, {"user": user, "access_request": access_request}
        )


def orientation_outcome(assignments):
    """What to tell whoever oriented: who will hear of it, and the truth when a structure
    has no active member (nobody is told; the Métropole must invite someone).
    Returns (message level, text) pairs."""
    reached = [a.organisation.name for a in assignments if a.notified]
    silent = [a.organisation.name for a in assignments if not a.notified]
    lines = []
    if reached:
        lines.append(
            (
                messages.SUCCESS,
                "Orientée vers : " + ", ".join(reached) + ". Les membres sont prévenus.",
            )
        )
    if silent:
        lines.append(
            (
                messages.WARNING,
                "Orientée vers : "
                + ", ".join(silent)
                + ". Aucun membre actif dans cette structure : personne n'a été prévenu. "
                "L'équipe de la Métropole doit y inviter un membre.",
            )
        )
    return lines


def send_reminders(now=None):
    """The daily beat task's work: gentle reminder at 9 days « en attente », last one at
    21 days, expiry at 45 days (back to staff). Safe to run twice: each step is claimed
    with a conditional UPDATE before anything is sent. Returns what it did."""
    now = now or timezone.now()
    pending = Assignment.objects.filter(status=AssignmentStatus.QUO)
    done = {"expired": 0, "first": 0, "last": 0, "emails": 0}
    for assignment in pending.filter(created_at__lte=now - EXPIRY).select_related(
        "assigned_by", "enterprise"
    ):
        claimed = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.QUO).update(
            status=AssignmentStatus.EXPIRED, expired_at=now
        )
        if claimed:
            done["expired"] += 1
            assignment.status = AssignmentStatus.EXPIRED
            records_changed.send(sender=Assignment)
            if assignment.assigned_by and assignment.assigned_by.is_active:
                queue_templated_email(
                    "assignment-expired",
                    assignment.assigned_by.email,
                    {"user": assignment.assigned_by, "assignment": assignment},
                )
                done["emails"] += 1
    due = []
    for level, age in ((2, LAST_REMINDER), (1, FIRST_REMINDER)):
        candidates = pending.filter(created_at__lte=now - age, reminders_sent__lt=level).exclude(
            pk__in=[a.pk for a, _ in due]
        )
        for assignment in candidates.select_related("enterprise__qpv", "organisation"):
            claimed = Assignment.objects.filter(
                pk=assignment.pk, status=AssignmentStatus.QUO, reminders_sent__lt=level
            ).update(reminders_sent=level)
            if claimed:
                due.append((assignment, level))
                done["last" if level == 2 else "first"] += 1
    by_user = {}
    for assignment, level in due:
        for user in members(assignment.organisation_id, EmailFrequency.IMMEDIATE):
            entry = by_user.setdefault(user.pk, {"user": user, "assignments": [], "last": False})
            entry["assignments"].append(assignment)
            entry["last"] = entry["last"] or level == 2
    for entry in by_user.values():
        user = entry["user"]
        recent = OutboundEmail.objects.filter(
            to=user.email, kind__in=REMINDER_KINDS, created_at__gt=now - QUIET
        ).exists()
        if recent:
            continue
        email = queue_templated_email("assignment-reminder", user.email, entry)
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=now)
        done["emails"] += 1
    return done


def send_weekly_digests(now=None):
    """For members who chose a weekly digest: one e-mail listing their organisations'
    open assignments. Not twice in the same week."""
    now = now or timezone.now()
    sent = 0
    for user in User.objects.filter(is_active=True, email_frequency=EmailFrequency.WEEKLY):
        already = OutboundEmail.objects.filter(
            to=user.email, kind="assignment-digest", created_at__gt=now - datetime.timedelta(days=6)
        ).exists()
        organisations = Membership.objects.active().of(user).values("organisation_id")
        assignments = list(
            Assignment.objects.filter(
                Q(status=AssignmentStatus.QUO) | Q(status=AssignmentStatus.TAKING_CARE),
                organisation_id__in=organisations,
            ).select_related("enterprise", "organisation")
        )
        if already or not assignments:
            continue
        email = queue_templated_email(
            "assignment-digest", user.email, {"user": user, "assignments": assignments}
        )
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=now)
        sent += 1
    return sent
