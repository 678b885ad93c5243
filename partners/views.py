"""« Mon espace », the members of my organisation, invitations, the working group."""

import datetime
import zoneinfo

import icalendar
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.files import private_file_response

from . import audit, invitations, perms
from .enums import AuthEventKind, Role
from .forms import AcceptInvitationForm, InvitationForm, RoleForm
from .models import Invitation, Meeting, MeetingDocument, Membership, User

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def workspace(request):
    """« Mon espace »: who I am, my organisations and roles, my security settings."""
    memberships = Membership.objects.active().of(request.user).select_related("organisation")
    return render(
        request,
        "partners/workspace.html",
        {
            "memberships": memberships,
            "has_mfa": Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists(),
        },
    )


def _organisation_for(request, pk):
    """An organisation the user belongs to (staff: any); others get 404."""
    return get_object_or_404(perms.visible_organisations(request.user), pk=pk)


def members(request, pk):
    """The members of one of my organisations; its administrateur manages them."""
    organisation = _organisation_for(request, pk)
    memberships = organisation.memberships.select_related("user").order_by(
        "-is_active", "user__last_name", "user__email"
    )
    pending = organisation.invitations.filter(accepted_at=None).order_by("-sent_at")
    return render(
        request,
        "partners/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "pending": pending,
            "can_manage": perms.can_manage_members(request.user, organisation),
            "roles": Role.choices,
        },
    )


def _require_manager(request, organisation):
    if not perms.can_manage_members(request.user, organisation):
        raise PermissionDenied("Seul l'administrateur de la structure gère ses membres.")


@require_http_methods(["GET", "POST"])
def invite(request, pk):
    """An administrateur invites a person into their own organisation."""
    organisation = _organisation_for(request, pk)
    _require_manager(request, organisation)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invitation = invitations.invite(
                form.cleaned_data["email"], organisation, form.cleaned_data["role"], request.user
            )
        if invitation is None:  # the Métropole added an existing account directly
            messages.success(
                request,
                "Cette personne avait déjà un compte : elle a été ajoutée à la structure "
                "et prévenue par e-mail.",
            )
        else:
            # The same words whether or not the address has an account.
            messages.success(
                request, "Invitation envoyée. Le lien est valable 7 jours, une seule fois."
            )
        return redirect("partners:members", pk=organisation.pk)
    return render(request, "partners/invite.html", {"organisation": organisation, "form": form})


@require_POST
def change_role(request, pk, membership_pk):
    organisation = _organisation_for(request, pk)
    _require_manager(request, organisation)
    membership = get_object_or_404(organisation.memberships, pk=membership_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rôle inconnu : rien n'a été modifié.")
    elif membership.user_id == request.user.pk and not request.user.is_staff:
        messages.error(request, "Vous ne pouvez pas changer votre propre rôle.")
    else:
        membership.role = form.cleaned_data["role"]
        membership.save()
        messages.success(
            request, f"{membership.user} est désormais « {membership.get_role_display()} »."
        )
    return redirect("partners:members", pk=organisation.pk)


@require_POST
def set_active(request, pk, membership_pk):
    """Deactivate (or bring back) a member; without any other structure, the account
    itself is deactivated, which ends its sessions at once."""
    organisation = _organisation_for(request, pk)
    _require_manager(request, organisation)
    membership = get_object_or_404(
        organisation.memberships.select_related("user"), pk=membership_pk
    )
    activate = request.POST.get("active") == "1"
    if membership.user_id == request.user.pk:
        messages.error(request, "Vous ne pouvez pas vous retirer vous-même de la structure.")
        return redirect("partners:members", pk=organisation.pk)
    if activate and not membership.user.is_active and not request.user.is_staff:
        messages.error(
            request,
            f"Le compte de {membership.user} est désactivé : seule l'équipe de la Métropole "
            "peut le réactiver.",
        )
        return redirect("partners:members", pk=organisation.pk)
    with transaction.atomic():
        membership.is_active = activate
        membership.save()
        user = membership.user
        others = user.memberships.active().exclude(pk=membership.pk).exists()
        if not activate and not others and not user.is_staff and user.is_active:
            user.is_active = False
            user.save()
        elif activate and not user.is_active:
            user.is_active = True
            user.save()
    if activate:
        messages.success(request, f"{membership.user} est de nouveau membre de la structure.")
    else:
        messages.success(
            request,
            f"{membership.user} n'est plus membre de la structure ; ses sessions sont closes.",
        )
    return redirect("partners:members", pk=organisation.pk)


def _refuse_invitation(request, reason, title, message, status, invitation=None):
    audit.record(
        AuthEventKind.INVITATION_REFUSED,
        email=invitation.email if invitation else "",
        organisation=invitation.organisation if invitation else None,
        detail=reason,
    )
    return render(
        request,
        "partners/invitation_invalid.html",
        {"title": title, "message": message},
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """The invitee's single-use link: choose a password, land in « Mon espace »."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        return _refuse_invitation(
            request,
            "lien altéré ou remplacé",
            "Lien d'invitation invalide",
            "Ce lien n'est pas valide : il est incomplet, a été modifié, ou une invitation plus "
            "récente l'a remplacé. Utilisez le lien du dernier e-mail reçu, ou demandez une "
            "nouvelle invitation.",
            400,
        )
    if invitation.is_accepted:
        return _refuse_invitation(
            request,
            "lien déjà utilisé",
            "Invitation déjà utilisée",
            "Cette invitation a déjà été acceptée. Connectez-vous avec votre adresse e-mail et "
            "votre mot de passe.",
            410,
            invitation,
        )
    if invitation.is_expired():
        return _refuse_invitation(
            request,
            "lien expiré",
            "Invitation expirée",
            "Ce lien était valable 7 jours et a expiré. Demandez à la personne qui vous a "
            "invité(e) de vous envoyer une nouvelle invitation.",
            410,
            invitation,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user != existing:
        return render(
            request,
            "partners/invitation_invalid.html",
            {
                "title": "Invitation pour une autre personne",
                "message": f"Cette invitation est adressée à {invitation.email}. Déconnectez-vous "
                "puis ouvrez de nouveau le lien.",
            },
            status=403,
        )
    if existing is not None and not invitation.may_be_accepted_by(existing):
        return _refuse_invitation(
            request,
            "compte désactivé ou de la Métropole",
            "Invitation impossible",
            "Ce compte ne peut pas rejoindre la structure par cette invitation : "
            "adressez-vous à l'équipe de la Métropole.",
            403,
            invitation,
        )
    if existing is not None:
        # An existing account (invited by a structure, or created meanwhile): the link,
        # sent to its address, is the person's consent to join.
        with transaction.atomic():
            invitations.accept(invitation, existing)
        messages.success(request, f"Vous avez rejoint « {invitation.organisation} ».")
        return redirect("home" if request.user.is_authenticated else "account_login")
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            invitations.accept(invitation, user)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        messages.success(
            request, f"Bienvenue ! Votre compte est créé dans « {invitation.organisation} »."
        )
        return redirect("home")
    return render(
        request, "partners/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def meetings(request):
    """The working group's meetings my organisations are invited to."""
    visible = Meeting.objects.visible_to(request.user).prefetch_related("invitations__organisation")
    now = timezone.now()
    return render(
        request,
        "partners/meetings.html",
        {
            "upcoming": visible.filter(Q(starts_at__gte=now) | Q(starts_at__isnull=True)).order_by(
                "starts_at"
            ),
            "past": visible.filter(starts_at__lt=now).order_by("-starts_at"),
        },
    )


def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "partners/meeting_detail.html",
        {
            "meeting": meeting,
            "invitations": meeting.invitations.select_related("organisation").order_by(
                "organisation__name"
            ),
            "documents": meeting.documents.all(),
        },
    )


def _ics(meeting, host):
    """The meeting as an iCalendar file (RFC 5545), written by the icalendar library:
    lines folded at 75 octets, CRLF, text escaped, times in Europe/Paris with the time
    zone described in the file."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Montpellier Méditerranée Métropole//Parcours TPE//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"reunion-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    start = meeting.starts_at.astimezone(PARIS)
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=meeting.duration))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.agenda:
        # A text typed in a form has CR LF line ends: iCalendar wants plain line breaks.
        event.add("description", meeting.agenda.replace("\r\n", "\n").replace("\r", "\n"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_ics(request, pk):
    """The meeting as an iCalendar event, for the members' calendars."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.starts_at is None:
        return render(
            request,
            "partners/invitation_invalid.html",
            {
                "title": "Date à fixer",
                "message": "La date de cette réunion n'est pas encore fixée : le fichier de "
                "calendrier sera disponible dès qu'elle le sera.",
            },
            status=409,
        )
    response = HttpResponse(
        _ics(meeting, request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


def meeting_document(request, pk):
    document = get_object_or_404(
        MeetingDocument.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    return private_file_response(document.file, document.original_name)
