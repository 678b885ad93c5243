"""The invitation workflow: invite someone into an organisation, accept the link.

It writes memberships, queues e-mails and appends to the security journal, so it sits
above the models, the journal writer (audit) and the e-mails: models.py imports none
of them, which keeps the dependencies one-way (models ← audit, emails ← invitations)."""

from django.utils import timezone

from . import audit
from .emails import queue_templated_email
from .enums import AuthEventKind, Role
from .models import Invitation, Membership, User


def invite(email, organisation, role, invited_by):
    """Invite someone. Returns the invitation, or None when the Métropole (staff) invited
    an existing account: that account gets the membership at once (and is switched back
    on if it was deactivated: only the Métropole may do that).

    From an organisation administrator, an existing account gets a pending invitation like
    anyone else, to accept from the link; a deactivated or staff account gets nothing (not
    even the e-mail) and the journal says why. Either way the administrator sees the same
    answer: the form never tells whether an address has an account. The e-mail leaves
    after the transaction commits."""
    email = User.objects.normalize_email(email).strip().lower()
    context = {"organisation": organisation, "role": Role(role).label, "invited_by": invited_by}
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and invited_by is not None and invited_by.is_staff:
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        else:
            membership.role, membership.is_active = role, True
            membership.save()
        if not user.is_active:
            user.is_active = True
            user.save()
        queue_templated_email("membership-added", user.email, {**context, "user": user})
        return None
    invitation = (
        Invitation.objects.filter(email__iexact=email, organisation=organisation, accepted_at=None)
        .order_by("-created_at")
        .first()
    ) or Invitation(email=email, organisation=organisation)
    invitation.role, invitation.invited_by = role, invited_by
    invitation.renew()
    invitation.save()
    if user is not None and (user.is_staff or not user.is_active):
        audit.record(
            AuthEventKind.INVITATION_REFUSED,
            email=email,
            organisation=organisation,
            detail="compte désactivé ou de la Métropole : rien n'est envoyé",
        )
        return invitation
    queue_templated_email("invitation", email, {**context, "invitation": invitation})
    audit.record(
        AuthEventKind.INVITATION_SENT,
        email=email,
        organisation=organisation,
        detail=f"rôle : {Role(role).label}",
    )
    return invitation


def accept(invitation, user):
    """Make `user` a member with the invited role; the link is then used up."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and (membership.role != invitation.role or not membership.is_active):
        membership.role, membership.is_active = invitation.role, True
        membership.save()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(AuthEventKind.INVITATION_ACCEPTED, user=user, organisation=invitation.organisation)
    return membership
