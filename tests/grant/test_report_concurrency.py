"""One generation per report at a time, held by the database; a dead worker's report
is marked failed at once and can be run again."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from grant.enums import ReportStatus
from grant.models import Report
from grant.tasks import WORKER_LOST, _worker_restarted, generate_report

from ..conftest import SecondFactorClient
from ..factories import text
from .test_reports import SIGNED, convention, form  # noqa: F401  (fixture reused)

END = datetime.date(2023, 12, 31)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_generate_give_one_report(staff, convention):  # noqa: F811
    url = reverse("grant:report_create", args=[convention.pk])
    barrier = threading.Barrier(10)

    def press(_):
        client = SecondFactorClient()  # staff pass the second factor, as in a real login
        client.force_login(staff)
        try:
            barrier.wait(timeout=30)
            response = client.post(url, form(convention))
            return response.status_code, text(response) if response.status_code == 200 else ""
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(press, range(10)))
    assert Report.objects.count() == 1
    assert Report.objects.get().version == 1
    assert sorted(code for code, _ in answers) == [200] * 9 + [302]
    assert all("déjà en cours de génération" in page for code, page in answers if code == 200)


@pytest.mark.django_db
def test_the_database_refuses_a_second_generation_and_a_repeated_version(convention):  # noqa: F811
    Report.objects.create(convention=convention, kind="annuel", start=SIGNED, end=END)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            convention=convention, kind="annuel", start=SIGNED, end=END, version=2
        )
    Report.objects.update(status=ReportStatus.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(convention=convention, kind="annuel", start=SIGNED, end=END)
    assert Report.next_version(convention, "annuel", SIGNED, END) == 2


@pytest.mark.django_db
def test_a_report_delivered_again_to_its_task_is_marked_failed_and_rerun_at_once(
    client,
    staff,
    convention,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # What the broker does when the worker process running the task dies (acks late,
    # reject on worker lost): the same message, same task id, comes back.
    report = Report.objects.create(convention=convention, kind="annuel", start=SIGNED, end=END)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, task_id="t-1")
    assert generate_report.apply(args=[report.pk], task_id="t-1").get() == "worker lost"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error == WORKER_LOST
    client.force_login(staff)
    page = text(client.get(reverse("grant:report", args=[report.pk])))
    assert "s'est arrêté avant la fin" in page and "Relancer" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grant:report_retry", args=[report.pk]))
    assert Report.objects.get().status == ReportStatus.DONE


@pytest.mark.django_db
def test_another_task_finding_the_report_running_leaves_it_alone(convention):  # noqa: F811
    report = Report.objects.create(convention=convention, kind="annuel", start=SIGNED, end=END)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, task_id="t-1")
    assert generate_report.apply(args=[report.pk], task_id="t-2").get() == "already handled"
    assert Report.objects.get().status == ReportStatus.RUNNING


@pytest.mark.django_db
def test_a_restarted_worker_fails_what_it_had_claimed(convention):  # noqa: F811
    mine = Report.objects.create(convention=convention, kind="annuel", start=SIGNED, end=END)
    other = Report.objects.create(convention=convention, kind="final", start=SIGNED, end=END)
    Report.objects.filter(pk=mine.pk).update(status=ReportStatus.RUNNING, worker="celery@a")
    Report.objects.filter(pk=other.pk).update(status=ReportStatus.RUNNING, worker="celery@b")
    _worker_restarted(sender=SimpleNamespace(hostname="celery@a"))
    assert Report.objects.get(pk=mine.pk).status == ReportStatus.FAILED
    assert Report.objects.get(pk=other.pk).status == ReportStatus.RUNNING


def test_tasks_are_acked_late_and_given_back_when_their_worker_dies(settings):
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert generate_report.acks_late and generate_report.reject_on_worker_lost
    if settings.REDIS_URL:
        timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert timeout > generate_report.time_limit
