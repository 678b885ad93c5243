"""« Pilotage » shows the report's figures with their definitions, on a desk and a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from ..accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pilotage_shows_the_new_figures_and_their_definitions(
    live_server, page, phone_page, staff, client
):
    call_command("seed_demo", verbosity=0)
    client.force_login(staff)
    shots = Path(settings.BASE_DIR) / "var" / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    for screen, width in ((page, 1280), (phone_page, 360)):
        screen.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        screen.goto(f"{live_server.url}/pilotage/")
        assert "{#" not in screen.content()
        for label in ("Nouvelles entreprises", "Autonomie atteinte", "Délai médian de prise"):
            assert screen.get_by_text(label).first.is_visible()
        screen.get_by_role("heading", name="Activités par action du programme").wait_for()
        screen.get_by_text("Définition de chaque chiffre").click()
        assert screen.get_by_text(
            "une entreprise excusée ou absente n'en reçoit aucune"
        ).is_visible()
        assert_accessible(screen)
        screen.screenshot(path=str(shots / f"pilotage-{width}.png"), full_page=True)
