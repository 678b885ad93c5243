"""Staff generate the report in a browser, watch it progress, download the PDF."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from config.celery import app as celery_app
from grant.indicators import programme_figures
from grant.models import Report

from ..accessibility import assert_accessible
from ..partners.test_worker import database_url
from ..workers import read_until, start_worker, stop, worker_env
from .test_reports import convention  # noqa: F401  (fixture reused)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_generate_watch_and_download(live_server, page, staff, client, convention, tmp_path):  # noqa: F811
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    worker = None
    try:
        page.goto(f"{live_server.url}/subvention/conventions/{convention.pk}/rapports/nouveau/")
        assert_accessible(page)
        page.get_by_label("Nature").select_option(label="annuel")
        page.get_by_label("Du").fill("2023-01-10")
        page.get_by_label("Au").fill("2023-12-31")
        page.get_by_label("Faits marquants").fill("Lancement des ateliers Axents dans les 12 QPV.")
        page.get_by_role("button", name="Générer").click()
        progress = page.locator("progress")
        progress.wait_for()  # queued: no worker yet
        seen = {progress.get_attribute("value")}
        assert_accessible(page)
        env = worker_env(tmp_path, database_url())
        worker = start_worker(env, "--pool=solo")
        read_until(worker, " ready.")
        link = page.get_by_role("link", name="Télécharger le rapport (PDF)")
        # The script moves the bar as the worker reports its steps, then reloads the page.
        link.wait_for(timeout=120_000)
        assert "0" in seen
        assert_accessible(page)
        with page.expect_download() as download:
            link.click()
        with open(download.value.path(), "rb") as handle:
            pdf = handle.read()
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        if worker is not None:
            stop(worker)
    report = Report.objects.get()
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    figures = programme_figures(report.start, report.end, convention)
    assert "Lancement des ateliers Axents" in words
    assert f"Entreprises suivies {figures['enterprises']['total']}" in words
    assert f"Activités {figures['activities']['count']}" in words
