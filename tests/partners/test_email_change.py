import re

import pytest
from django.core import mail
from django.urls import reverse

from partners.enums import AuthEventKind
from partners.models import AuthEvent, User

from ..factories import text

pytestmark = pytest.mark.django_db


def test_changing_the_address_needs_the_code_sent_to_the_new_one(
    client, alice, django_capture_on_commit_callbacks
):
    client.post(
        reverse("account_login"), {"login": alice.email, "password": "mot-de-passe-de-test"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"),
            {"email": "alice.nouvelle@example.test", "action_add": ""},
            follow=True,
        )
    assert response.status_code == 200
    [message] = [m for m in mail.outbox if m.to == ["alice.nouvelle@example.test"]]
    assert "Parcours TPE" in message.body
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)
    assert User.objects.get(pk=alice.pk).email == "alice@example.test"  # not before the code
    page = response.redirect_chain[-1][0]
    wrong = client.post(page, {"code": "AAAAAA"})
    assert wrong.status_code == 200 and "Code incorrect" in text(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"code": code})
    assert User.objects.get(pk=alice.pk).email == "alice.nouvelle@example.test"
    assert AuthEvent.objects.filter(user=alice, kind=AuthEventKind.EMAIL_CHANGED).exists()
