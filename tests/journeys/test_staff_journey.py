"""The Métropole's day, at phone and desk size: first login with the two-factor setup in a
fresh browser (which asks for /favicon.ico by itself), an import with a bad row then a good
file, an orientation, « Pilotage », and the convention report generated and downloaded."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from enterprises.models import Assignment, Enterprise
from grant.models import Report
from partners.enums import OrganisationKind, Role

from ..accessibility import assert_accessible
from ..enterprises.test_import_preview import just_outside
from ..enterprises.test_imports import csv_file, line
from ..factories import MembershipFactory, OrganisationFactory, UserFactory, totp_code
from ..grant.test_reports import convention  # noqa: F401  (fixture reused)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "journeys"
PASSWORD = "mot-de-passe-de-test"


def visit(page, url=None):
    if url:
        page.goto(url)
    assert_accessible(page)


def upload(page, content):
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(
        {"name": "entreprises.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Vérifier le fichier").click()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_metropole_day(live_server, request, size, organisation_a, alice, convention):  # noqa: F811
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    if size == "desk":
        page.set_viewport_size({"width": 1280, "height": 800})
    base = live_server.url
    pilot = UserFactory(email="pilote@example.test", is_staff=True, is_superuser=True)
    metropole = OrganisationFactory(
        name="Montpellier Méditerranée Métropole", kind=OrganisationKind.COLLECTIVITE
    )
    MembershipFactory(user=pilot, organisation=metropole, role=Role.ADMIN)
    empty = OrganisationFactory(name="Structure sans membre")
    favicons = []
    page.on(
        "response",
        lambda r: favicons.append(r.status) if r.url.endswith("/favicon.ico") else None,
    )

    # 1. First login: the two-factor setup, the password not asked twice.
    visit(page, f"{base}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(pilot.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Activer l'application d'authentification").wait_for()
    visit(page)
    secret = page.get_by_label("Secret d'authentification").input_value()
    # Headless Chromium may skip its automatic favicon request: make it, as a browser does,
    # with this session's cookies (it used to be redirected to the setup page, which drew
    # a new secret).
    assert page.evaluate("fetch('/favicon.ico', {redirect: 'manual'}).then(r => r.status)") == 200
    page.reload()  # a second look at the page keeps the same secret
    assert page.get_by_label("Secret d'authentification").input_value() == secret
    page.get_by_label(re.compile("Code")).fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Codes de récupération").wait_for()
    visit(page)
    assert pilot.authenticator_set.filter(type="totp").exists()
    assert set(favicons) <= {200}  # whatever the browser asked by itself was answered

    # 2. Import: a file with a bad row is refused and says why; the fixed one is previewed.
    lat, lon = just_outside()
    rows = [
        line(1),
        line(2, lat=f"{lat:.6f}".replace(".", ","), lon=f"{lon:.6f}".replace(".", ",")),
        line(3, lat="", lon=""),
        line(4, naf="00.00A"),
    ]
    visit(page, f"{base}/admin/enterprises/enterprise/importer/")
    upload(page, csv_file(*rows))
    page.get_by_text("Ligne 5, colonne « Code NAF » : code NAF inconnu (00.00A)").wait_for()
    visit(page)
    assert not Enterprise.objects.exists()
    rows[3] = line(4)
    upload(page, csv_file(*rows))
    page.get_by_text("2 ligne(s) seront « hors QPV »").wait_for()
    visit(page)
    table = page.locator("#import-rows")
    assert table.get_by_role("row").count() == 5  # the header and the 4 rows
    assert "(QP034005)" in table.inner_text() and "m du contour de" in table.inner_text()
    assert "pas de coordonnées" in table.inner_text()
    page.get_by_role("button", name=re.compile("^Importer 4 création")).click()
    page.get_by_text("Import terminé : 4 entreprise(s) créée(s)").wait_for()
    visit(page)
    assert Enterprise.objects.count() == 4
    assert Enterprise.objects.filter(qpv__isnull=True).count() == 2

    # 3. Orient an imported enterprise to a structure (and to one nobody would hear in).
    enterprise = Enterprise.objects.get(name="ENTREPRISE 1")
    visit(page, f"{base}/entreprises/{enterprise.pk}/")
    page.get_by_role("link", name="Orienter vers un partenaire").click()
    visit(page)
    assert page.get_by_label(metropole.name).count() == 0  # not the Métropole itself
    page.get_by_label(organisation_a.name).check()
    page.get_by_label(empty.name).check()
    page.get_by_label("Message pour la structure").fill("Besoin d'un site Internet.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Orientée vers : Structure A. Les membres sont prévenus.").wait_for()
    page.get_by_text("personne n'a été prévenu").wait_for()
    visit(page)
    assert set(
        Assignment.objects.filter(enterprise=enterprise).values_list(
            "organisation__name", flat=True
        )
    ) == {organisation_a.name, empty.name}

    # 4. « Pilotage ».
    visit(page, f"{base}/pilotage/")
    page.get_by_role("heading", name="Pilotage", exact=True).wait_for()
    assert "{#" not in page.content()

    # 5. The convention report, generated (eager tasks here) and downloaded.
    visit(page, f"{base}/subvention/conventions/{convention.pk}/rapports/nouveau/")
    page.get_by_label("Nature").select_option(label="annuel")
    page.get_by_label("Du").fill("2023-01-10")
    page.get_by_label("Au").fill("2023-12-31")
    page.get_by_label("Faits marquants").fill("Lancement des ateliers Axents dans les 12 QPV.")
    page.get_by_role("button", name="Générer").click()
    link = page.get_by_role("link", name="Télécharger le rapport (PDF)")
    link.wait_for(timeout=120_000)
    visit(page)
    # Nothing runs off the side of a phone (the PDF's checksum used to).
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    words = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Lancement des ateliers Axents" in words
    assert Report.objects.get().requested_by == pilot

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"staff-{size}.png"), full_page=True)
