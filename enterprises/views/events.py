"""Community events (« rencontres d'entrepreneurs »): invitations, registration by signed
link, attendance, and the collective activity the event becomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from enterprises import signed_links
from enterprises.enums import ActivityKind, Attendance, PlaceType, Stage
from enterprises.models import Activity, Contact, EventActivity, EventRegistration
from partners.emails import queue_templated_email
from partners.enums import MeetingKind
from partners.models import Meeting, Organisation


def _event(request, pk):
    """Community events are run by Métropole staff; others get 404."""
    if not request.user.is_staff:
        raise Http404
    return get_object_or_404(Meeting.objects.filter(kind=MeetingKind.COMMUNITY), pk=pk)


def invitable_contacts(meeting):
    """One consenting contact with an address per enterprise of the parcours (not
    « sortie »), among those not invited yet."""
    invited = EventRegistration.objects.filter(meeting=meeting).values("enterprise_id")
    contacts = (
        Contact.objects.filter(
            consent_date__isnull=False,
            anonymised_at__isnull=True,
            enterprise__stage__in=[
                Stage.REPEREE,
                Stage.DIAGNOSTIQUEE,
                Stage.ACCOMPAGNEE,
                Stage.AUTONOME,
            ],
        )
        .exclude(email="")
        .exclude(enterprise_id__in=invited)
        .select_related("enterprise")
        .order_by("enterprise_id", "id")
    )
    chosen = {}
    for contact in contacts:
        chosen.setdefault(contact.enterprise_id, contact)
    return list(chosen.values())


def event_detail(request, pk):
    meeting = _event(request, pk)
    registrations = meeting.registrations.select_related("enterprise")
    return render(
        request,
        "enterprises/events/detail.html",
        {
            "meeting": meeting,
            "registrations": registrations,
            "to_invite": len(invitable_contacts(meeting)),
            "activity": EventActivity.objects.filter(meeting=meeting)
            .select_related("activity")
            .first(),
        },
    )


@require_POST
def event_invite(request, pk):
    """E-mail every consenting contact not yet invited a link to register."""
    meeting = _event(request, pk)
    now = timezone.now()
    with transaction.atomic():
        contacts = invitable_contacts(meeting)
        for contact in contacts:
            registration = EventRegistration.objects.create(
                meeting=meeting, enterprise=contact.enterprise, contact=contact, invited_at=now
            )
            queue_templated_email(
                "event-invitation",
                contact.email,
                {"meeting": meeting, "url": signed_links.registration_link(registration)},
            )
    messages.success(request, f"{len(contacts)} invitation(s) envoyée(s).")
    return redirect("enterprises:event", pk=meeting.pk)


@require_POST
def event_attendance(request, pk):
    """Record who came; the event becomes (or updates) a collective activity."""
    meeting = _event(request, pk)
    if meeting.starts_at is None or meeting.starts_at > timezone.now():
        messages.error(request, "Les présences se notent une fois la rencontre passée.")
        return redirect("enterprises:event", pk=meeting.pk)
    organisation = Organisation.objects.of(request.user).first()
    if organisation is None:
        messages.error(request, "Vous n'êtes membre actif d'aucune structure.")
        return redirect("enterprises:event", pk=meeting.pk)
    present = set(request.POST.getlist("present"))
    registrations = list(meeting.registrations.select_related("enterprise"))
    with transaction.atomic():
        for registration in registrations:
            registration.attended = str(registration.pk) in present
            registration.save(update_fields=["attended"])
        link = EventActivity.objects.filter(meeting=meeting).select_related("activity").first()
        activity = link.activity if link else Activity(author=request.user)
        activity.kind = ActivityKind.COLLECTIF
        activity.title = meeting.title[:200]
        activity.date = timezone.localdate(meeting.starts_at)
        activity.duration = meeting.duration
        activity.place_type = PlaceType.AUTRE
        activity.place_commune = (meeting.place or "Montpellier")[:100]
        activity.organisation = activity.organisation if link else organisation
        activity.save()
        if link is None:
            EventActivity.objects.create(meeting=meeting, activity=activity)
        activity.set_participations(
            {
                r.enterprise: Attendance.PRESENT if r.attended else Attendance.ABSENT
                for r in registrations
                if r.attended or r.registered_at
            }
        )
    messages.success(request, f"Présences enregistrées : {len(present)} entreprise(s).")
    return redirect("enterprises:event", pk=meeting.pk)


@login_not_required
def event_register(request, token):
    """An invited entrepreneur registers by the link of the invitation (a button)."""
    payload = signed_links.read_registration_token(token)
    registration = (
        EventRegistration.objects.select_related("meeting").filter(pk=payload["r"]).first()
        if payload
        else None
    )
    if registration is None:
        return render(request, "enterprises/pairs/link_invalid.html", status=404)
    done = False
    if request.method == "POST" and registration.registered_at is None:
        EventRegistration.objects.filter(pk=registration.pk, registered_at__isnull=True).update(
            registered_at=timezone.now()
        )
        registration.refresh_from_db()
        done = True
    return render(
        request,
        "enterprises/events/register.html",
        {"registration": registration, "meeting": registration.meeting, "done": done},
    )
