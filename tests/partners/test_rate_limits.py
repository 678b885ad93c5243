import pytest
from django.urls import reverse

from partners.enums import AuthEventKind
from partners.models import AuthEvent

from ..factories import text

pytestmark = pytest.mark.django_db


def test_eleven_wrong_passwords_in_a_minute_are_refused(client, alice):
    url = reverse("account_login")
    for attempt in range(10):
        response = client.post(url, {"login": f"inconnu{attempt}@example.test", "password": "faux"})
        assert "sont incorrects" in text(response)
    eleventh = client.post(url, {"login": "alice@example.test", "password": "mot-de-passe-de-test"})
    assert eleventh.status_code in (200, 429)
    assert "Trop de tentatives" in text(eleventh) or eleventh.status_code == 429
    assert client.get("/espace/").status_code == 302  # still not logged in
    assert AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED).count() == 10


def test_five_wrong_passwords_lock_one_account_for_a_while(client, alice):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": "alice@example.test", "password": "faux"})
    sixth = client.post(url, {"login": "alice@example.test", "password": "mot-de-passe-de-test"})
    assert "Trop de tentatives" in text(sixth)
    assert AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED, user=alice).count() == 5


def test_the_admin_login_goes_through_the_same_path(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_rate_limits_key_on_the_client_behind_a_proxy(client, alice, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = reverse("account_login")
    for attempt in range(10):
        client.post(
            url,
            {"login": f"inconnu{attempt}@example.test", "password": "faux"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other_client = client.post(
        url,
        {"login": "alice@example.test", "password": "mot-de-passe-de-test"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other_client.status_code == 302  # another address is not blocked
    assert (
        AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED, ip_address="203.0.113.7").count()
        == 10
    )
