import pytest

from demo.grant import seed_grant

from ..accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_see_where_the_grant_stands_and_log_an_expense(live_server, page, staff, client):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    convention = seed_grant(staff)
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/pilotage/")
    assert "Reste imputable" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=convention.title).click()
    page.get_by_role("heading", name="Exécution").wait_for()
    assert "40\u202f000,00\u00a0€" in page.locator("body").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Nouvelle dépense").click()
    page.get_by_label("Ligne budgétaire").select_option(index=1)
    page.get_by_label("Date").fill(convention.signed_on.isoformat())
    page.get_by_label("Fournisseur").fill("Axents")
    page.get_by_label("Objet").fill("Atelier supplémentaire")
    page.get_by_label("Montant TTC").fill("40000")
    page.get_by_label("Part imputée à la subvention").fill("40000")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("imputable à la subvention").wait_for()
    assert_accessible(page)
