"""Two-factor: a stable setup secret, the favicon never redirected, a proof per session."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from ..factories import UserFactory, enable_totp, text, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-de-test"


def test_the_favicon_is_served_even_before_enrolment(client):
    user = UserFactory(email="nouvelle@example.test", is_staff=True)
    client.force_login(user)
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")


def test_the_pending_secret_stays_the_same_until_confirmed(client):
    user = UserFactory(email="nouvelle@example.test", is_staff=True)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    first = client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    client.get("/favicon.ico")
    second = client.get(reverse("mfa_activate_totp"))  # a reload, another tab
    assert client.session["mfa.totp.secret"] == secret
    assert secret in text(first) and secret in text(second)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    # The code typed at enrolment is this session's second factor.
    assert client.get("/admin/").status_code == 200


def test_a_session_without_the_second_factor_is_asked_for_a_code():
    user = UserFactory(email="pilote@example.test", is_staff=True, is_superuser=True)
    secret = enable_totp(user)
    browser = Client()  # a session opened elsewhere, before the enrolment
    browser.force_login(user)
    response = browser.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert browser.get("/pilotage/").status_code == 302
    asked = browser.get(response["Location"])
    assert asked.status_code == 200
    done = browser.post(response["Location"], {"code": totp_code(secret)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_real_login_with_the_code_passes(client):
    user = UserFactory(email="pilote@example.test", is_staff=True, is_superuser=True)
    secret = enable_totp(user)
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    browser.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert browser.get("/admin/").status_code == 200
