"""Redis down: login and pages keep working, nothing committed is lost, no 500.

Against a real Redis URL where nothing listens (no mock): the cache falls back to the
process's memory, tasks stay « queued » and the sweepers send them once Redis is back."""

import datetime
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from enterprises import jobs
from enterprises.jobs import sweep_queued_jobs
from enterprises.models import Job, JobStatus
from grant.enums import ReportStatus
from grant.models import Report
from grant.tasks import sweep_queued_reports
from partners.enums import EmailStatus, Role
from partners.models import Invitation, OutboundEmail
from partners.tasks import sweep_queued_emails

from ..factories import EnterpriseFactory, text
from ..grant.test_reports import convention, form  # noqa: F401  (fixture reused)

pytestmark = pytest.mark.django_db
NOBODY_LISTENS = "redis://127.0.0.1:6390/0"


def _reset_broker_pools():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    """Cache and broker on a Redis URL where nothing listens; call it to bring Redis back."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": NOBODY_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = NOBODY_LISTENS, False
    _reset_broker_pools()

    def back():
        conf.broker_url, conf.task_always_eager = saved
        _reset_broker_pools()

    yield back
    back()


def test_login_works_and_says_so_in_the_log(client, alice, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        response = client.post(
            reverse("account_login"),
            {"login": "alice@example.test", "password": "mot-de-passe-de-test"},
        )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert "Redis unreachable" in caplog.text
    assert client.get(reverse("partners:workspace")).status_code == 200


def test_rate_limits_still_hold_without_redis(client, alice, redis_down):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": "alice@example.test", "password": "faux"})
    sixth = client.post(url, {"login": "alice@example.test", "password": "mot-de-passe-de-test"})
    assert "Trop de tentatives" in text(sixth)


def test_an_invitation_is_committed_then_sent_once_redis_is_back(
    client, org_admin, organisation_a, redis_down, caplog, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    url = reverse("partners:invite", args=[organisation_a.pk])
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nouveau@example.test", "role": Role.LECTEUR})
    assert response.status_code == 302
    assert Invitation.objects.get().organisation == organisation_a
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.QUEUED and mail.outbox == []
    assert "stays queued for the sweeper" in caplog.text
    assert "nouveau@example.test" not in caplog.text  # primary keys only in the log

    redis_down()  # Redis answers again: the periodic sweeper sends what was left queued
    assert sweep_queued_emails() == 0  # too recent: its own message may still be coming
    OutboundEmail.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert sweep_queued_emails() == 1
    assert OutboundEmail.objects.get().status == EmailStatus.SENT
    assert mail.outbox[0].to == ["nouveau@example.test"]


def test_send_again_in_the_admin_resends_queued_emails_too(
    client, staff, redis_down, django_capture_on_commit_callbacks
):
    email = OutboundEmail.objects.create(to="x@example.test", subject="Bonjour", body_text="…")
    redis_down()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:partners_outboundemail_changelist"),
            {"action": "send_again", "_selected_action": [email.pk]},
            follow=True,
        )
    assert "1 e-mail(s) remis dans la file d'envoi" in text(response)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_a_report_request_is_committed_then_generated_once_redis_is_back(
    client,
    staff,
    convention,  # noqa: F811
    redis_down,
    django_capture_on_commit_callbacks,
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grant:report_create", args=[convention.pk]), form(convention)
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")
    assert report.status == ReportStatus.QUEUED
    page = client.get(reverse("grant:report", args=[report.pk]))
    assert page.status_code == 200
    assert client.get(reverse("grant:pilotage")).status_code == 200

    redis_down()
    Report.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert sweep_queued_reports() == 1
    assert Report.objects.get().status == ReportStatus.DONE


def test_the_sweepers_run_periodically():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "partners.tasks.sweep_queued_emails",
        "grant.tasks.sweep_queued_reports",
        "enterprises.jobs.sweep_queued_jobs",
    } <= tasks


def test_an_export_asked_while_redis_is_down_is_prepared_once_it_is_back(
    client, alice, redis_down, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_MAX", 0)
    EnterpriseFactory(referent=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:export") + "?format=csv")
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.QUEUED
    assert client.get(response["Location"]).status_code == 200
    redis_down()
    Job.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert sweep_queued_jobs() == 1
    assert Job.objects.get().status == JobStatus.DONE
