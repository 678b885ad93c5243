import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import invitations
from partners.enums import AuthEventKind, EmailStatus, Role
from partners.models import AuthEvent, Invitation, Membership, OutboundEmail, User

from ..factories import MembershipFactory, OrganisationFactory, UserFactory, text

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "un mot de passe solide"


def link_in(message):
    for line in message.body.splitlines():
        if "/invitation/" in line:
            return line.strip().split("127.0.0.1:8000", 1)[1]
    raise AssertionError("no invitation link in the e-mail")


@pytest.fixture
def invited(django_capture_on_commit_callbacks, staff, organisation_a, client):
    """Staff invites conseillere@example.test into structure A from the admin."""
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:partners_invitation_invite"),
            {
                "email": " Conseillere@Example.test ",
                "organisation": organisation_a.pk,
                "role": Role.CONSEILLER,
            },
        )
    assert response.status_code == 302
    client.logout()
    return Invitation.objects.get()


def test_staff_invitation_sends_three_part_email(invited):
    assert invited.email == "conseillere@example.test"
    assert invited.expires_at - invited.sent_at == datetime.timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["conseillere@example.test"]
    assert message.subject == "Invitation à rejoindre Parcours TPE (Structure A)"
    assert "valable jusqu'au" in message.body and "/invitation/" in message.body
    html = message.alternatives[0][0]
    assert "Accepter l'invitation" in html and "Structure A" in html
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.SENT and email.body_text == "" and email.body_html == ""
    event = AuthEvent.objects.get(kind=AuthEventKind.INVITATION_SENT)
    assert event.actor.email == "staff@example.test" and event.ip_address == "127.0.0.1"


def test_accepting_creates_the_account_and_lands_in_the_workspace(invited, client):
    url = link_in(mail.outbox[0])
    page = client.get(url)
    assert page.status_code == 200 and "Rejoindre Parcours TPE" in text(page)
    response = client.post(
        url,
        {
            "first_name": "Inès",
            "last_name": "Moreau",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("partners:workspace")
    assert "Mon espace" in text(response)
    user = User.objects.get(email="conseillere@example.test")
    assert user.check_password(GOOD_PASSWORD) and user.get_full_name() == "Inès Moreau"
    assert Membership.objects.get(user=user).role == Role.CONSEILLER
    assert EmailAddress.objects.get(user=user).verified
    kinds = set(AuthEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {AuthEventKind.INVITATION_ACCEPTED, AuthEventKind.LOGIN} <= kinds


def test_a_weak_password_keeps_what_was_typed_and_creates_nothing(invited, client):
    url = link_in(mail.outbox[0])
    response = client.post(
        url,
        {"first_name": "Inès", "last_name": "Moreau", "password1": "court", "password2": "court"},
    )
    content = text(response)
    assert response.status_code == 200
    assert "Mot de passe trop faible" in content
    assert 'value="Inès"' in content and 'value="Moreau"' in content
    assert not User.objects.filter(email="conseillere@example.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_mismatched_passwords_are_refused(invited, client):
    response = client.post(
        link_in(mail.outbox[0]),
        {
            "first_name": "A",
            "last_name": "B",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD + "!",
        },
    )
    assert "Les deux mots de passe ne sont pas identiques." in text(response)


def test_a_used_link_gets_a_clear_page_and_an_audit_line(invited, client):
    url = link_in(mail.outbox[0])
    client.post(
        url,
        {
            "first_name": "A",
            "last_name": "B",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "Invitation déjà utilisée" in text(response)
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.INVITATION_REFUSED, detail="lien déjà utilisé"
    ).exists()
    assert User.objects.count() == 2  # staff + the invitee, once


def test_an_expired_link_gets_a_clear_page(invited, client):
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 410
    assert "Invitation expirée" in text(response)
    post = client.post(
        link_in(mail.outbox[0]),
        {
            "first_name": "A",
            "last_name": "B",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert post.status_code == 410
    assert not User.objects.filter(email="conseillere@example.test").exists()


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "abc", lambda t: t + "%00", lambda t: "e30:" + t]
)
def test_a_tampered_link_gets_a_clear_page_never_a_500(invited, client, mangle):
    url = link_in(mail.outbox[0])
    token = url.rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/invitation/{mangle(token)}/")
    assert response.status_code == 400
    assert "Lien d'invitation invalide" in text(response)


def test_sending_again_replaces_the_link(
    invited, client, staff, django_capture_on_commit_callbacks
):
    old = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite("conseillere@example.test", invited.organisation, Role.LECTEUR, staff)
    new = link_in(mail.outbox[1])
    assert old != new and Invitation.objects.count() == 1
    assert client.get(old).status_code == 400
    assert client.get(new).status_code == 200
    assert Invitation.objects.get().role == Role.LECTEUR


def test_inviting_an_existing_account_adds_the_membership(
    alice, organisation_b, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.invite("ALICE@example.test", organisation_b, Role.LECTEUR, staff)
    assert result is None and not Invitation.objects.exists()
    assert Membership.objects.get(user=alice, organisation=organisation_b).role == Role.LECTEUR
    [message] = mail.outbox
    assert "Vous avez rejoint « Structure B »" in message.subject
    assert AuthEvent.objects.filter(kind=AuthEventKind.MEMBERSHIP_ADDED, user=alice).exists()


def test_an_organisation_admin_invites_into_their_own_organisation(
    client, org_admin, organisation_a, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    url = reverse("partners:invite", args=[organisation_a.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "nouveau@example.test", "role": Role.LECTEUR}, follow=True
        )
    assert "Invitation envoyée" in text(response)
    assert Invitation.objects.get().organisation == organisation_a
    assert len(mail.outbox) == 1


def test_an_invitation_form_error_keeps_the_input(client, org_admin, organisation_a, bob):
    client.force_login(org_admin)
    url = reverse("partners:invite", args=[organisation_a.pk])
    response = client.post(url, {"email": "bob@example.test", "role": Role.CONSEILLER})
    content = text(response)
    assert "déjà membre de la structure" in content and 'value="bob@example.test"' in content
    response = client.post(url, {"email": "pas-une-adresse", "role": Role.CONSEILLER})
    assert "Saisissez une adresse de courriel valide." in text(response)
    assert not Invitation.objects.exists()


def test_only_the_organisation_admin_may_invite(client, alice, bob, charlie, organisation_a):
    url = reverse("partners:invite", args=[organisation_a.pk])
    for user, expected in ((alice, 403), (bob, 403), (charlie, 404)):
        client.force_login(user)
        assert (
            client.post(url, {"email": "x@example.test", "role": Role.ADMIN}).status_code
            == expected
        )
    assert not Invitation.objects.exists()


def test_a_logged_in_person_cannot_use_someone_elses_invitation(invited, client, alice):
    client.force_login(alice)
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 403
    assert "Invitation pour une autre personne" in text(response)


def test_an_account_created_meanwhile_gets_the_membership(invited, client):
    user = UserFactory(email="conseillere@example.test")
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Ailleurs"))
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, organisation=invited.organisation).exists()
