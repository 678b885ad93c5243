"""A real worker whose process is killed mid-report: the report is marked failed as
soon as the message comes back (acks late, reject on worker lost), then re-runs."""

import os
import signal
from pathlib import Path

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from grant.enums import ReportStatus
from grant.models import Report
from grant.tasks import WORKER_LOST

from ..partners.test_worker import database_url
from ..workers import read_until, start_worker, stop, worker_env
from .test_report_worker import not_eager  # noqa: F401  (fixture reused)
from .test_reports import convention, form  # noqa: F401  (fixture reused)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def children(pid):
    """The process ids whose parent is `pid` (the prefork pool's child)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_killed_worker_process_fails_the_report_at_once(
    client,
    staff,
    convention,  # noqa: F811
    not_eager,  # noqa: F811
    tmp_path,
):
    env = worker_env(tmp_path, database_url())
    celery_app.control.purge()
    worker = start_worker(env)  # prefork: one child process runs the task
    try:
        read_until(worker, " ready.")
        client.force_login(staff)
        client.post(reverse("grant:report_create", args=[convention.pk]), form(convention))
        read_until(worker, "Task grant.tasks.generate_report", timeout=60)
        # WeasyPrint's first line: the row is claimed (running) and the PDF is being drawn.
        read_until(worker, "Fetching and parsing", timeout=60)
        for child in children(worker.pid):
            os.kill(child, signal.SIGKILL)
        read_until(worker, "report generation(s) marked failed: delivered again", timeout=60)
    finally:
        stop(worker)
    report = Report.objects.get()
    assert report.status == ReportStatus.FAILED and report.error == WORKER_LOST
