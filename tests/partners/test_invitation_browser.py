"""The whole invitation, as people do it: staff in the admin, the conseiller on a phone."""

import re

import pytest
from django.core import mail

from partners.enums import Role
from partners.models import Membership, User

from ..accessibility import assert_accessible
from ..factories import OrganisationFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_invites_and_the_conseiller_joins_on_a_phone(live_server, staff, page, phone_page):
    axents = OrganisationFactory(name="Axents")

    # Staff log in with their password and TOTP code, then invite from the admin.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe", exact=True).fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code").fill(totp_code(staff.totp_secret))
    assert_accessible(page)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("heading", name="Administration du programme").wait_for()
    page.goto(f"{live_server.url}/admin/partners/invitation/")
    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Adresse e-mail").fill("ines.moreau@example.test")
    page.get_by_label("Structure").select_option(label="Axents")
    page.get_by_label("Rôle").select_option(label="conseiller")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_text("Invitation envoyée à ines.moreau@example.test").wait_for()

    # The conseiller opens the link from the e-mail on a phone.
    [message] = mail.outbox
    link = re.search(r"https?://\S+(/invitation/\S+/)", message.body).group(1)
    phone = phone_page
    phone.goto(live_server.url + link)
    phone.get_by_role("heading", name="Rejoindre Parcours TPE").wait_for()
    assert_accessible(phone)
    phone.get_by_label("Prénom").fill("Inès")
    phone.get_by_label(re.compile(r"^Nom\b")).fill("Moreau")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("court")
    phone.get_by_label("Confirmation du mot de passe").fill("court")
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.get_by_text("Mot de passe trop faible").wait_for()
    assert phone.get_by_label("Prénom").input_value() == "Inès"
    assert_accessible(phone)
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("un mot de passe solide")
    phone.get_by_label("Confirmation du mot de passe").fill("un mot de passe solide")
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.get_by_role("heading", name="Mon espace").wait_for()
    assert "Axents" in phone.content()
    assert_accessible(phone)

    user = User.objects.get(email="ines.moreau@example.test")
    assert Membership.objects.get(user=user, organisation=axents).role == Role.CONSEILLER
    # The link is used up.
    phone.goto(live_server.url + link)
    phone.get_by_role("heading", name="Invitation déjà utilisée").wait_for()
    assert_accessible(phone)


def test_staff_cannot_reach_the_admin_before_enrolling_totp(live_server, page):
    from ..factories import UserFactory

    UserFactory(email="nouvelle@example.test", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Adresse e-mail").fill("nouvelle@example.test")
    page.get_by_label("Mot de passe", exact=True).fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("activez la double authentification").wait_for()
    # Straight to the setup: the password just typed is not asked again.
    assert page.url.endswith("/compte/2fa/totp/activate/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/partners/user/")
    assert "/admin/" not in page.url
