"""« Pilotage » shows the report's figures with their definitions, on a desk and a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import Activity
from grant.models import Convention

from ..accessibility import assert_accessible
from .test_report_recount import add_pairs_and_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pilotage_shows_the_new_figures_and_their_definitions(
    live_server, page, phone_page, staff, client
):
    call_command("seed_demo", verbosity=0)
    add_pairs_and_answers(
        Convention.objects.get(deliberation_number="M2022-397"),
        Activity.objects.filter(kind="collectif").first(),
        timezone.localdate(),
    )
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
        for heading in ("Pair à pair", "La voix des entrepreneurs"):
            section = screen.locator("section", has=screen.get_by_role("heading", name=heading))
            assert (
                section.get_by_text("Séances pair à pair")
                .or_(section.get_by_text("Réponses au questionnaire"))
                .first.is_visible()
            )
            name = "pairs" if heading == "Pair à pair" else "voice"
            section.screenshot(path=str(shots / f"pilotage-{name}-{width}.png"))
        assert_accessible(screen)
        screen.screenshot(path=str(shots / f"pilotage-{width}.png"), full_page=True)
