import pytest
from django.urls import reverse

from partners.enums import AuthEventKind, Role
from partners.models import AuthEvent, Membership

from ..factories import text

pytestmark = pytest.mark.django_db


def test_members_see_their_organisation_but_only_its_admin_manages(
    client, alice, bob, org_admin, organisation_a
):
    url = reverse("partners:members", args=[organisation_a.pk])
    client.force_login(alice)
    page = text(client.get(url))
    assert "bob@example.test" in page and "Inviter une personne" not in page
    client.force_login(org_admin)
    page = text(client.get(url))
    assert "Inviter une personne" in page and "Retirer de la structure" in page


def test_another_organisation_is_404(client, charlie, organisation_a):
    client.force_login(charlie)
    assert client.get(reverse("partners:members", args=[organisation_a.pk])).status_code == 404


def test_the_admin_changes_a_role_and_it_is_journaled(client, org_admin, bob, organisation_a):
    membership = Membership.objects.get(user=bob)
    client.force_login(org_admin)
    url = reverse("partners:change_role", args=[organisation_a.pk, membership.pk])
    response = client.post(url, {"role": Role.CONSEILLER}, follow=True)
    assert "est désormais « conseiller »" in text(response)
    event = AuthEvent.objects.get(kind=AuthEventKind.ROLE_CHANGED)
    assert (event.user, event.actor, event.organisation) == (bob, org_admin, organisation_a)
    assert event.detail == "lecteur → conseiller"


def test_a_conseiller_or_lecteur_cannot_change_roles(client, alice, bob, organisation_a):
    membership = Membership.objects.get(user=bob)
    url = reverse("partners:change_role", args=[organisation_a.pk, membership.pk])
    for user in (alice, bob):
        client.force_login(user)
        assert client.post(url, {"role": Role.ADMIN}).status_code == 403
    assert Membership.objects.get(user=bob).role == Role.LECTEUR


def test_an_unknown_role_changes_nothing(client, org_admin, bob, organisation_a):
    membership = Membership.objects.get(user=bob)
    client.force_login(org_admin)
    url = reverse("partners:change_role", args=[organisation_a.pk, membership.pk])
    response = client.post(url, {"role": "dictateur"}, follow=True)
    assert "Rôle inconnu" in text(response)
    assert Membership.objects.get(user=bob).role == Role.LECTEUR


def test_deactivating_a_member_ends_their_session_at_once(client, org_admin, bob, organisation_a):
    from django.test import Client

    bobs_browser = Client()
    bobs_browser.force_login(bob)
    assert bobs_browser.get("/espace/").status_code == 200
    membership = Membership.objects.get(user=bob)
    client.force_login(org_admin)
    client.post(
        reverse("partners:set_active", args=[organisation_a.pk, membership.pk]), {"active": "0"}
    )
    bob.refresh_from_db()
    assert not bob.is_active
    response = bobs_browser.get("/espace/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "Votre compte a été désactivé" in text(response)
    kinds = set(AuthEvent.objects.filter(user=bob).values_list("kind", flat=True))
    assert {
        AuthEventKind.MEMBERSHIP_DEACTIVATED,
        AuthEventKind.ACCOUNT_DEACTIVATED,
        AuthEventKind.SESSION_REFUSED,
    } <= kinds


def test_a_member_of_another_organisation_keeps_their_account(
    client, org_admin, bob, organisation_a, organisation_b
):
    Membership.objects.create(user=bob, organisation=organisation_b, role=Role.LECTEUR)
    client.force_login(org_admin)
    membership = Membership.objects.get(user=bob, organisation=organisation_a)
    client.post(
        reverse("partners:set_active", args=[organisation_a.pk, membership.pk]), {"active": "0"}
    )
    bob.refresh_from_db()
    assert bob.is_active and not Membership.objects.get(pk=membership.pk).is_active


def test_the_admin_cannot_remove_themselves(client, org_admin, organisation_a):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(
        reverse("partners:set_active", args=[organisation_a.pk, membership.pk]),
        {"active": "0"},
        follow=True,
    )
    assert "Vous ne pouvez pas vous retirer vous-même" in text(response)
    assert Membership.objects.get(pk=membership.pk).is_active


def test_workspace_shows_who_i_am_and_my_security(client, alice):
    client.force_login(alice)
    page = text(client.get(reverse("partners:workspace")))
    assert "alice@example.test" in page and "Structure A" in page and "conseiller" in page
    assert "Changer mon mot de passe" in page and "Double authentification" in page
