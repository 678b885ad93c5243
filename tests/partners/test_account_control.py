"""Only the Métropole switches an account back on; an organisation administrator's
invitation never touches an existing account and never says whether it exists
(issue 17, item 1)."""

import pytest
from django.core import mail
from django.urls import reverse

from partners import invitations
from partners.enums import AuthEventKind, Role
from partners.models import AuthEvent, Invitation, Membership

from ..factories import MembershipFactory, UserFactory, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def deactivated(organisation_b):
    """Charlotte, once of structure B, whose account the Métropole switched off."""
    user = UserFactory(email="charlotte@example.test", is_active=False)
    MembershipFactory(user=user, organisation=organisation_b, is_active=False)
    return user


def _invite(client, org_admin, organisation, email, capture):
    client.force_login(org_admin)
    with capture(execute=True):
        response = client.post(
            reverse("partners:invite", args=[organisation.pk]),
            {"email": email, "role": Role.CONSEILLER},
            follow=True,
        )
    return response


def _link(message):
    for line in message.body.splitlines():
        if "/invitation/" in line:
            return line.strip().split("127.0.0.1:8000", 1)[1]
    raise AssertionError("no invitation link")


def test_the_invite_form_answers_the_same_whether_the_address_exists_or_not(
    client,
    org_admin,
    organisation_a,
    charlie,
    deactivated,
    staff,
    django_capture_on_commit_callbacks,
):
    answers = set()
    for email in (
        "personne@example.test",
        charlie.email,
        deactivated.email,
        staff.email,
    ):
        response = _invite(
            client, org_admin, organisation_a, email, django_capture_on_commit_callbacks
        )
        page = text(response)
        answers.add(
            page.split("Invitation envoyée", 1)[1][:80] if "Invitation envoyée" in page else page
        )
        pending = text(client.get(reverse("partners:members", args=[organisation_a.pk])))
        assert email in pending  # listed as a pending invitation, whoever it is
    assert len(answers) == 1
    assert "déjà un compte" not in answers.pop()


def test_an_existing_account_gets_a_pending_invitation_it_accepts(
    client, org_admin, organisation_a, charlie, django_capture_on_commit_callbacks
):
    _invite(client, org_admin, organisation_a, charlie.email, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=charlie, organisation=organisation_a).exists()
    [message] = mail.outbox
    assert message.to == [charlie.email]
    client.logout()
    response = client.get(_link(message))
    assert response.status_code == 302
    membership = Membership.objects.get(user=charlie, organisation=organisation_a)
    assert membership.role == Role.CONSEILLER and membership.is_active


def test_an_admin_never_reactivates_a_deactivated_account_by_inviting_it(
    client, org_admin, organisation_a, deactivated, django_capture_on_commit_callbacks
):
    _invite(
        client, org_admin, organisation_a, deactivated.email, django_capture_on_commit_callbacks
    )
    deactivated.refresh_from_db()
    assert not deactivated.is_active
    assert not Membership.objects.filter(user=deactivated, organisation=organisation_a).exists()
    assert mail.outbox == []  # nothing sent to a switched-off account
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.INVITATION_REFUSED, email=deactivated.email
    ).exists()
    # Even with the link (say, from an earlier staff e-mail), it does not come back.
    invitation = Invitation.objects.get(email=deactivated.email)
    client.logout()
    response = client.get(reverse("partners:accept_invitation", args=[invitation.token]))
    assert response.status_code == 403 and "Invitation impossible" in text(response)
    deactivated.refresh_from_db()
    assert not deactivated.is_active


def test_an_admin_never_attaches_a_staff_account(
    client, org_admin, organisation_a, staff, django_capture_on_commit_callbacks
):
    _invite(client, org_admin, organisation_a, staff.email, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=staff, organisation=organisation_a).exists()
    assert mail.outbox == []
    invitation = Invitation.objects.get(email=staff.email)
    client.logout()
    response = client.get(reverse("partners:accept_invitation", args=[invitation.token]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=staff, organisation=organisation_a).exists()


def test_an_admin_cannot_reactivate_the_membership_of_a_deactivated_account(
    client, org_admin, organisation_a
):
    user = UserFactory(email="parti@example.test", is_active=False)
    membership = MembershipFactory(user=user, organisation=organisation_a, is_active=False)
    client.force_login(org_admin)
    members = text(client.get(reverse("partners:members", args=[organisation_a.pk])))
    assert "seule la Métropole peut le réactiver" in members
    response = client.post(
        reverse("partners:set_active", args=[organisation_a.pk, membership.pk]),
        {"active": "1"},
        follow=True,
    )
    assert "seule l'équipe de la Métropole peut le réactiver" in text(response)
    user.refresh_from_db()
    membership.refresh_from_db()
    assert not user.is_active and not membership.is_active


def test_the_metropole_may_reactivate(client, staff, organisation_a, deactivated):
    membership = MembershipFactory(user=deactivated, organisation=organisation_a, is_active=False)
    client.force_login(staff)
    client.post(
        reverse("partners:set_active", args=[organisation_a.pk, membership.pk]), {"active": "1"}
    )
    deactivated.refresh_from_db()
    assert deactivated.is_active
    invitations.invite(deactivated.email, organisation_a, Role.LECTEUR, staff)
    assert (
        Membership.objects.get(user=deactivated, organisation=organisation_a).role == Role.LECTEUR
    )
