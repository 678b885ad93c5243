"""A staff member imports organisations through the admin, in Chromium."""

from pathlib import Path

import pytest
from django.conf import settings

from partners.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "shots"


def test_staff_import_a_file_see_its_errors_then_import_the_fixed_one(
    live_server, page, staff, client, tmp_path
):
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    wrong = tmp_path / "structures.csv"
    wrong.write_text(
        "Nom;Type;Active\nAxents;opérateur;Oui\nClub;club de pétanque;Oui\n", encoding="utf-8-sig"
    )
    page.goto(f"{live_server.url}/admin/partners/organisation/")
    page.get_by_role("link", name="Importer").click()
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_text("« club de pétanque » n'est pas une valeur possible").first.wait_for()
    page.screenshot(path=SHOTS / "import-errors-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=SHOTS / "import-errors-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not Organisation.objects.filter(name="Axents").exists()

    right = tmp_path / "structures-corrige.csv"
    right.write_text("Nom;Type;Active\nAxents;opérateur;Oui\n", encoding="utf-8-sig")
    page.goto(f"{live_server.url}/admin/partners/organisation/import/")
    page.locator("input[type=file]").set_input_files(str(right))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Soumettre").click()
    page.screenshot(path=SHOTS / "import-preview-1280.png", full_page=True)
    assert "Oui" in page.locator("table.import-preview").inner_text()
    assert not Organisation.objects.filter(name="Axents").exists()  # a preview only
    page.get_by_role("button", name="Confirmer l’importation").click()
    page.get_by_text("Axents").first.wait_for()
    assert Organisation.objects.get(name="Axents").kind == "operateur"
