"""Staff prepare a research export and the funder reads their page, in Chromium at desk and
phone size, with axe on each page."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from grant.enums import ResearchJobStatus
from grant.models import Report, ResearchJob

from ..accessibility import assert_accessible
from ..factories import ConventionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"


def log_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_staff_prepare_an_export(live_server, browser, staff, client, size):
    call_command("load_reference_data", verbosity=0)
    viewport = {"width": 1280, "height": 800} if size == "desk" else {"width": 360, "height": 740}
    context = browser.new_context(locale="fr-FR", viewport=viewport)
    page = context.new_page()
    log_in(page, client, live_server, staff)
    page.goto(f"{live_server.url}/evaluation/")
    assert_accessible(page)
    page.get_by_label("Nom de la nouvelle étude").fill("MRE 2026")
    page.get_by_role("button", name="Préparer l'export").click()
    page.get_by_role("link", name="Télécharger l'export (ZIP)").wait_for()
    assert_accessible(page)
    assert ResearchJob.objects.get().status == ResearchJobStatus.DONE
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'export (ZIP)").click()
    assert download.value.suggested_filename.endswith(".zip")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"research-{size}.png", full_page=True)
    context.close()


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_funder_reads_their_page(live_server, browser, funder, client, size):
    convention = ConventionFactory(funder=funder.memberships.get().organisation)
    Report.objects.create(
        convention=convention,
        kind="annuel",
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 12, 31),
        status="done",
        pdf=SimpleUploadedFile("r.pdf", b"%PDF-1.4 rapport"),
        transmitted_at=timezone.now(),
    )
    viewport = {"width": 1280, "height": 800} if size == "desk" else {"width": 360, "height": 740}
    context = browser.new_context(locale="fr-FR", viewport=viewport)
    page = context.new_page()
    log_in(page, client, live_server, funder)
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Espace du financeur").wait_for()
    assert convention.title in page.content()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="rapport (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"funder-{size}.png", full_page=True)
    context.close()
