"""Outsiders: every non-staff role meets « Page introuvable », in French, for an enterprise
out of its scope and for everything hanging off it (404, never 403)."""

import pytest

from enterprises.models import Activity
from partners.enums import Role

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from .helpers import checked, keep_screenshot, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_every_non_staff_role_gets_page_introuvable_outside_its_scope(
    live_server, browser, reference_data, size
):
    theirs = OrganisationFactory(name="Axents")
    elsewhere = OrganisationFactory(name="Chambre de métiers")
    enterprise = EnterpriseFactory(name="SECRET DE FABRICATION")
    AssignmentFactory(enterprise=enterprise, organisation=theirs)
    contact = ContactFactory(enterprise=enterprise)
    author = UserFactory(email="auteur@example.test")
    MembershipFactory(user=author, organisation=theirs)
    activity = Activity.objects.create(
        kind="individuel",
        date="2026-01-05",
        duration=30,
        place_type="a_distance",
        author=author,
        organisation=theirs,
    )
    activity.participations.create(enterprise=enterprise)
    paths = [
        f"/entreprises/{enterprise.pk}/",
        f"/entreprises/{enterprise.pk}/modifier/",
        f"/entreprises/{enterprise.pk}/seance/",
        f"/entreprises/{enterprise.pk}/diagnostic/",
        f"/entreprises/{enterprise.pk}/contacts/{contact.pk}/modifier/",
        f"/activites/{activity.pk}/",
        f"/activites/{activity.pk}/modifier/",
    ]
    for role in Role:
        email = f"{role.value}@example.test"
        MembershipFactory(user=UserFactory(email=email), organisation=elsewhere, role=role)
        page = new_page(browser, size)
        log_in(page, live_server.url, email)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 404, (role, path, response.status)
            page.get_by_role("heading", name="Page introuvable").wait_for()
            assert "SECRET DE FABRICATION" not in page.content()
            checked(page)
        # Nor does the search find it.
        page.get_by_role("link", name="Entreprises", exact=True).click()
        page.get_by_label("Nom ou SIRET").fill("secret")
        page.get_by_role("button", name="Rechercher").click()
        page.get_by_text("Aucune entreprise ne correspond.").wait_for()
        checked(page)
        page.goto(f"{live_server.url}{paths[0]}")
        keep_screenshot(page, f"outsider-{role.value}-{size}")
        page.context.close()
