import pytest

from ..accessibility import assert_accessible
from ..factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_accessible_and_logs_in_on_a_phone(live_server, phone_page):
    organisation = OrganisationFactory(name="Axents")
    user = UserFactory(email="conseillere@example.test", first_name="Inès")
    MembershipFactory(user=user, organisation=organisation)
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/compte/login/" in page.url
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("conseillere@example.test")
    page.get_by_label("Mot de passe", exact=True).fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Adresse e-mail").input_value() == "conseillere@example.test"
    assert_accessible(page)
    page.get_by_label("Mot de passe", exact=True).fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Mon espace").wait_for()
    assert "Axents" in page.content()
    assert_accessible(page)
