"""A conseiller matches a beginner with a pair in a minute, on a phone; pages pass axe."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from enterprises.models import Pairing
from programme.models import Term

from ..accessibility import assert_accessible
from ..factories import AssignmentFactory, ContactFactory, EnterpriseFactory, PairFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "shots"


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_match_a_beginner_with_a_pair_in_three_clicks(
    live_server, phone_page, page, alice, organisation_a, client, size
):
    call_command("load_reference_data", verbosity=0)
    site = Term.objects.get(family__in=["thematique", "thematique_tpe"], code="site_internet")
    beginner = EnterpriseFactory(name="COIFFURE LEÏLA")
    AssignmentFactory(enterprise=beginner, organisation=organisation_a)
    ContactFactory(enterprise=beginner)
    pair = PairFactory(enterprise__name="FLEURS DE LA MOSSON", presentation="Vend en ligne.")
    pair.topics.set([site])
    client.force_login(alice)
    tab = phone_page if size == "phone" else page
    tab.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    tab.goto(f"{live_server.url}/entreprises/{beginner.pk}/")
    tab.get_by_role("link", name="Trouver un pair").click()
    tab.get_by_role("heading", name="Trouver un pair pour COIFFURE LEÏLA").wait_for()
    assert_accessible(tab)
    shoot(tab, f"pairing-form-{size}")
    if size == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    tab.get_by_role("button", name="Proposer la mise en relation").click()
    tab.get_by_text("Mise en relation proposée").wait_for()
    assert_accessible(tab)
    shoot(tab, f"pairing-detail-{size}")
    pairing = Pairing.objects.get()
    assert pairing.pair == pair and pairing.mentee == beginner
    tab.get_by_role("button", name="Noter l'accord de l'entreprise accompagnée").click()
    tab.get_by_role("button", name="Noter l'accord du pair").click()
    tab.get_by_role("link", name="Noter une séance pair à pair").click()
    tab.get_by_role("heading", name="Noter une séance pair à pair").wait_for()
    assert_accessible(tab)
    shoot(tab, f"pair-session-{size}")
    tab.get_by_role("button", name="Enregistrer").click()
    tab.get_by_text("Séances pair à pair (1)").wait_for()
    tab.goto(f"{live_server.url}/pair-a-pair/")
    assert_accessible(tab)
    shoot(tab, f"pairs-{size}")
