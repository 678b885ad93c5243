import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/login/")


def test_anonymous_admin_goes_through_the_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"], follow=True)
    assert login.status_code == 200
    assert "Connexion" in login.content.decode()


def test_login_page_is_french_and_has_no_signup(client):
    content = client.get("/compte/login/").content.decode()
    assert 'lang="fr"' in content and "Mot de passe oublié" in content
    signup = client.get("/compte/signup/").content.decode()
    assert "Inscription fermée" in signup and "sur invitation" in signup


def test_login_with_email_lands_on_home(client, alice):
    response = client.post(
        "/compte/login/", {"login": "ALICE@example.test", "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert "Mon espace" in page.content.decode()
    assert "Structure A" in page.content.decode()


def test_wrong_password_gets_a_french_message(client, alice):
    response = client.post("/compte/login/", {"login": "alice@example.test", "password": "faux"})
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()


def test_staff_land_on_pilotage(client, staff):
    client.force_login(staff)
    assert "Pilotage" in client.get("/", follow=True).content.decode()


def test_unknown_page_is_a_french_404(client, alice):
    client.force_login(alice)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
