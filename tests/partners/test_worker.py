"""End to end with a real Celery worker on Redis and PostgreSQL: an invitation e-mail
goes from the request's transaction to the worker, which sends it and marks it sent."""

import email as email_parser
import re
from email import policy as email_policy

import pytest
from django.conf import settings
from django.db import connection, transaction

from config.celery import app as celery_app
from partners import invitations
from partners.enums import EmailStatus, Role
from partners.models import Invitation, OutboundEmail

from ..workers import read_until, start_worker, stop, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


@pytest.fixture
def not_eager():
    """This test's tasks go to the broker, for the worker to take."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_a_real_worker_sends_the_invitation(tmp_path, staff, organisation_a, not_eager):
    env = worker_env(tmp_path, database_url())
    celery_app.control.purge()  # nothing left over from an earlier run
    worker = start_worker(env, "--pool=solo")
    try:
        read_until(worker, " ready.")
        with transaction.atomic():
            invitation = invitations.invite(
                "ines@example.test", organisation_a, Role.CONSEILLER, staff
            )
            email = OutboundEmail.objects.get()
            assert email.status == EmailStatus.QUEUED  # nothing leaves before the commit
        read_until(worker, "partners.tasks.send_email")
        read_until(worker, "succeeded")
    finally:
        stop(worker)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at is not None
    assert email.body_text == "" and email.attempts == 1
    [sent] = list((tmp_path / "mail").iterdir())
    message = email_parser.message_from_bytes(sent.read_bytes(), policy=email_policy.default)
    assert message["To"] == "ines@example.test"
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    token = re.search(r"/invitation/([^/\s]+)/", body.get_content()).group(1)
    assert Invitation.from_token(token) == invitation
