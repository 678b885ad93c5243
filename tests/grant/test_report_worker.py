"""A real Celery worker on Redis renders a report requested from the page (not eager)."""

import pytest
from django.conf import settings
from django.urls import reverse

from config.celery import app as celery_app
from grant.enums import ReportStatus
from grant.models import Report

from ..partners.test_worker import database_url
from ..workers import read_until, start_worker, stop, worker_env
from .test_reports import convention, form  # noqa: F401  (fixture reused)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_a_real_worker_renders_the_report(client, staff, convention, not_eager, tmp_path):  # noqa: F811
    env = worker_env(tmp_path, database_url())
    celery_app.control.purge()
    worker = start_worker(env, "--pool=solo")
    try:
        read_until(worker, " ready.")
        client.force_login(staff)
        client.post(reverse("grant:report_create", args=[convention.pk]), form(convention))
        report = Report.objects.get()
        page = client.get(reverse("grant:report", args=[report.pk])).content.decode()
        assert "report-progress.js" in page or report.status == ReportStatus.DONE
        read_until(worker, "grant.tasks.generate_report", timeout=120)
        read_until(worker, "succeeded", timeout=120)
    finally:
        stop(worker)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.pdf.open("rb").read(5) == b"%PDF-"
    assert client.get(reverse("grant:report_file", args=[report.pk, "xlsx"])).status_code == 200
