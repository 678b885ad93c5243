"""The demo conseiller logs a session on a phone in at most 8 interactions."""

import pytest
from django.core.management import call_command

from enterprises.models import Activity

from ..accessibility import assert_accessible
from ..factories import AssignmentFactory, EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Counted:
    """Counts the clicks and fields typed, the way the issue counts interactions."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, value):
        self.count += 1
        locator.fill(value)


def test_log_a_session_on_a_phone_in_at_most_eight_interactions(
    live_server, phone_page, alice, organisation_a, client
):
    call_command("load_reference_data", verbosity=0)
    enterprise = EnterpriseFactory(name="COIFFURE LEÏLA")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    client.force_login(alice)
    page = phone_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/entreprises/{enterprise.pk}/")
    assert_accessible(page)
    user = Counted(page)
    user.click(page.get_by_role("link", name="Noter une séance"))
    page.get_by_role("heading", name="Noter une séance").wait_for()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    user.click(page.get_by_text("TPE · Présence en ligne", exact=False))
    user.click(page.get_by_text("Autonome avec guidage en cas de besoin"))
    user.fill(page.get_by_label("Notes"), "Fiche d'établissement créée")
    user.click(page.get_by_role("button", name="Enregistrer"))
    page.get_by_text("Séance du").wait_for()
    assert_accessible(page)
    assert user.count <= 8
    activity = Activity.objects.get()
    assert activity.duration == 45 and activity.author == alice
    assert sorted(t.code for t in activity.themes.all()) == ["entrepreneuriat", "presence_en_ligne"]
    assert activity.autonomy.code == "partiellement_autonome"
    assert "accompagnée" in page.content()
    user.click(page.get_by_role("link", name="Mes statistiques"))
    page.get_by_role("heading", name="Mes statistiques").wait_for()
    assert page.locator(".figures dd").first.inner_text() == "1"
    assert_accessible(page)
