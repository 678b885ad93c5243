import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.urls import reverse

from partners.enums import AuthEventKind
from partners.models import AuthEvent

from ..factories import UserFactory, text, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-de-test"


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def staff_without_mfa(db):
    return UserFactory(email="nouvelle@example.test", is_staff=True)


@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/partners/user/", "/espace/", "/pilotage/"])
def test_staff_without_totp_is_sent_to_enrolment_first(client, staff_without_mfa, url):
    client.force_login(staff_without_mfa)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def reach_enrolment(client, user):
    """Log in, get sent to enrolment: the password just typed is not asked again."""
    assert login(client, user.email).status_code == 302
    response = client.get("/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [reverse("mfa_activate_totp")]
    assert "activez la double authentification" in text(response)
    return response


def test_the_enrolment_page_itself_is_reachable(client, staff_without_mfa):
    response = reach_enrolment(client, staff_without_mfa)
    assert response.status_code == 200
    assert "Activer l'application d'authentification" in text(response)


def test_enrolling_totp_opens_the_admin_and_is_journaled(
    client, staff_without_mfa, django_capture_on_commit_callbacks
):
    reach_enrolment(client, staff_without_mfa)
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_without_mfa, type="totp").exists()
    assert client.get("/admin/").status_code == 200
    assert AuthEvent.objects.filter(user=staff_without_mfa, kind=AuthEventKind.MFA_ADDED).exists()
    assert [m.to for m in mail.outbox] == [[staff_without_mfa.email]]  # « TOTP activé »


def test_mfa_is_optional_for_other_members(client, alice):
    client.force_login(alice)
    assert client.get("/espace/").status_code == 200


def test_login_with_totp_asks_for_the_code(client, staff):
    response = login(client, staff.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/pilotage/").status_code == 302  # not logged in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Code incorrect" in text(wrong)
    assert AuthEvent.objects.filter(user=staff, kind=AuthEventKind.MFA_FAILED).exists()
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})
    assert right.status_code == 302
    assert client.get("/pilotage/").status_code == 200


def test_a_recovery_code_works_once(client, staff):
    codes = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes"))
    code = codes.get_unused_codes()[0]
    login(client, staff.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.logout()
    login(client, staff.email)
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200 and "Code incorrect" in text(replay)
    assert client.get("/pilotage/").status_code == 302


def test_password_reset_never_bypasses_mfa(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": staff.email})
    [message] = mail.outbox
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    new = "un nouveau mot de passe solide"
    done = client.post(action, {"password1": new, "password2": new}, follow=True)
    assert done.status_code == 200
    assert client.get("/pilotage/").status_code == 302  # not logged in by the reset
    response = login(client, staff.email, new)
    assert response["Location"] == reverse("mfa_authenticate")  # TOTP still asked
    assert AuthEvent.objects.filter(user=staff, kind=AuthEventKind.PASSWORD_RESET).exists()
