"""The job page in Chromium: a progress bar that moves, then the file when ready."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from enterprises.models import Job, JobKind, JobStatus

from ..accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "var" / "shots"


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_the_job_page_follows_the_worker_then_offers_the_file(
    live_server, browser, alice, client, size
):
    job = Job.objects.create(
        kind=JobKind.EXPORT_ENTERPRISES,
        requested_by=alice,
        status=JobStatus.RUNNING,
        progress=40,
        step="Écriture du fichier",
    )
    client.force_login(alice)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
    page = context.new_page()
    try:
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page.goto(f"{live_server.url}/travaux/{job.pk}/")
        page.get_by_text("Traitement en cours : Écriture du fichier").wait_for()
        assert page.locator("progress").get_attribute("value") == "40"
        assert_accessible(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"job-running-{size[0]}.png", full_page=True)
        # The worker finishes: the page notices by itself and offers the file.
        job.result.save("entreprises.csv", ContentFile(b"SIRET\r\n"), save=False)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            progress=100,
            result=job.result.name,
            filename="entreprises.csv",
            summary="Fichier prêt : entreprises.csv",
        )
        page.get_by_role("link", name="Télécharger entreprises.csv").wait_for(timeout=15_000)
        assert_accessible(page)
        page.screenshot(path=SHOTS / f"job-done-{size[0]}.png", full_page=True)
    finally:
        context.close()
