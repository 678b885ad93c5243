import pytest

from ..accessibility import assert_accessible
from ..factories import AssignmentFactory, ContactFactory, EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_conseiller_finds_an_enterprise_and_moves_it_on_a_phone(
    live_server, phone_page, alice, organisation_a, client
):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU MAIL", trade_name="Au bon pain")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    ContactFactory(enterprise=enterprise, first_name="Samira", last_name="Ziani")
    client.force_login(alice)
    page = phone_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/entreprises/")
    assert_accessible(page)
    page.get_by_label("Nom ou SIRET").fill("boulang")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="Au bon pain").click()
    page.get_by_role("heading", name="Au bon pain").wait_for()
    assert "Samira Ziani" in page.content()
    assert_accessible(page)
    page.get_by_label("Nouvelle étape").select_option(label="diagnostiquée")
    page.get_by_role("button", name="Changer d'étape").click()
    page.get_by_text("Étape : diagnostiquée.").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Modifier").first.click()
    page.get_by_role("heading", name="Modifier Au bon pain").wait_for()
    assert_accessible(page)
