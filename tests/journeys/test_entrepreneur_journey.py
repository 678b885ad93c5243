"""The entrepreneur's door, end to end in Chromium: a shopkeeper asks to join from a
360 px phone (one mistake corrected), staff accept and orient the request, the partner
closes the orientation, the survey e-mail's one-tap link records the answer, and the
partner reads it. The public pages pass axe."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from enterprises.models import Assignment, Enterprise, JoinRequest, Survey

from ..accessibility import assert_accessible
from ..factories import (
    AssignmentFactory,
    EnterpriseFactory,
    OrganisationFactory,
    QpvFactory,
    valid_siret,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(django_settings.BASE_DIR) / "var" / "shots"


def shot(page, name):
    """Keep what the user saw (var/ is not in git): to look at, not to compare."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def logged_in(browser_page, client, user, live_server):
    client.force_login(user)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return browser_page


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_entrepreneur_joins_is_oriented_and_says_how_it_went(
    live_server,
    browser,
    phone_page,
    page,
    staff,
    alice,
    organisation_a,
    client,
    settings,
    mailoutbox,
):
    settings.JOIN_MIN_FILL_SECONDS = 0  # a test types faster than a person
    settings.SITE_URL = live_server.url
    QpvFactory(name="Petit Bard Pergola")
    siret = valid_siret(4242)

    # 1. The shopkeeper, on a phone, without an account.
    phone = phone_page
    phone.goto(f"{live_server.url}/rejoindre/")
    assert_accessible(phone)
    phone.locator("#id_first_name").fill("Nadia")
    phone.locator("#id_last_name").fill("Benali")
    phone.get_by_label("Votre rôle dans l'entreprise").fill("gérante")
    phone.get_by_label("Nom de votre commerce ou entreprise").fill("Boulangerie du Petit Bard")
    phone.get_by_label("Numéro SIRET").fill(siret[:-1] + str((int(siret[-1]) + 1) % 10))
    phone.get_by_label("Commune où se trouve l'entreprise").select_option("Montpellier")
    phone.get_by_label("Quartier").select_option(label="Petit Bard Pergola (Montpellier)")
    phone.get_by_label("être visible en ligne").check()
    phone.get_by_label("vendre ou être payé en ligne").check()
    phone.get_by_label("par téléphone").check()
    phone.locator("#id_phone").fill("06 12 34 56 78")
    phone.locator("#id_email").fill("nadia@exemple.test")
    phone.get_by_label("le matin").check()
    phone.get_by_label("J'accepte que la Métropole").check()
    assert fits_the_screen(phone)
    shot(phone, "join-360")
    phone.get_by_role("button", name="Envoyer ma demande").click()

    # The mistake is told next to the field; nothing typed is lost.
    phone.get_by_text("SIRET invalide : la clé de contrôle ne correspond pas.").wait_for()
    assert phone.locator("#id_first_name").input_value() == "Nadia"
    assert phone.get_by_label("vendre ou être payé en ligne").is_checked()
    assert phone.get_by_label("J'accepte que la Métropole").is_checked()
    assert_accessible(phone)
    shot(phone, "join-error-360")
    phone.get_by_label("Numéro SIRET").fill(siret)
    phone.get_by_role("button", name="Envoyer ma demande").click()
    phone.get_by_role("heading", name="Merci, votre demande est bien reçue").wait_for()
    assert_accessible(phone)
    shot(phone, "join-done-360")
    assert JoinRequest.objects.get().siret == siret
    assert [m.to for m in mailoutbox] == [["nadia@exemple.test"]]

    # 2. Staff triage it in one screen: accept and orient to structure A.
    desk = logged_in(page, client, staff, live_server)
    desk.goto(f"{live_server.url}/espace/demandes/")
    assert re.search(r"Demandes\s*1", desk.get_by_role("navigation").inner_text())
    desk.get_by_role("link", name="Boulangerie du Petit Bard").click()
    desk.get_by_role("heading", name="Boulangerie du Petit Bard").wait_for()
    assert_accessible(desk)
    desk.get_by_label("Raison sociale").fill("BOULANGERIE DU PETIT BARD")
    desk.get_by_label("Orienter tout de suite vers").select_option(label="Structure A")
    shot(desk, "triage-1280")
    desk.get_by_role("button", name="Accepter").click()
    desk.get_by_text("orientée vers « Structure A »").wait_for()
    enterprise = Enterprise.objects.get(siret=siret)
    assert enterprise.source == "en_ligne" and enterprise.contacts.count() == 1

    # 3. The partner takes it in charge and closes it.
    partner = logged_in(browser.new_context(locale="fr-FR").new_page(), client, alice, live_server)
    partner.goto(f"{live_server.url}/espace/orientations/")
    partner.get_by_role("button", name=re.compile("Prendre en charge")).click()
    partner.get_by_text("Clôturer…").click()
    partner.get_by_role("radio", name="Aide proposée").check()
    partner.get_by_role("button", name=re.compile("^Continuer")).click()
    partner.get_by_role("button", name="Confirmer la clôture").click()
    partner.get_by_text("clôturée : aide proposée").wait_for()
    assert Assignment.objects.get().status == "done"

    # 4. The survey e-mail: one tap on « 5 », then a comment the partner may read.
    survey_mail = next(m for m in mailoutbox if "Votre avis" in m.subject)
    assert survey_mail.to == ["nadia@exemple.test"]
    tap = re.search(r"(http://\S+/avis/\S+\?utile=5)", survey_mail.body).group(1)
    phone.goto(tap)
    phone.get_by_text("Votre note (5 sur 5) est enregistrée").wait_for()
    assert Survey.objects.get().usefulness == 5
    assert fits_the_screen(phone)
    assert_accessible(phone)
    shot(phone, "survey-360")
    phone.get_by_label("oui").check()
    phone.get_by_label("vendre ou être payé en ligne").check()
    phone.get_by_label("Un commentaire ?").fill("Mon site vend enfin le pain du dimanche.")
    phone.get_by_label("J'accepte que mon commentaire soit montré").check()
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    phone.get_by_role("heading", name="Merci pour votre avis").wait_for()
    assert_accessible(phone)

    # 5. The partner sees it on the enterprise page.
    partner.goto(f"{live_server.url}/entreprises/{enterprise.pk}/")
    partner.get_by_role("heading", name="L'avis de l'entrepreneur").wait_for()
    assert "Utilité : 5 sur 5" in partner.content()
    assert "Mon site vend enfin le pain du dimanche." in partner.content()
    shot(partner, "enterprise-answer-1280")
    partner.context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_public_pages_pass_axe(live_server, browser, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = context.new_page()
    for path, heading in (
        ("/rejoindre/", "Rejoindre le parcours numérique des TPE"),
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/rejoindre/merci/", "Merci, votre demande est bien reçue"),
        ("/avis/nimporte-quoi/", "Ce lien n'est pas valable"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.get_by_role("heading", name=heading).wait_for()
        assert_accessible(page)
        assert fits_the_screen(page)
        for link in ("Accessibilité : non conforme", "Mentions légales", "Données personnelles"):
            assert page.get_by_role("contentinfo").get_by_role("link", name=link).count() == 1
        shot(page, f"{path.strip('/').replace('/', '-')}-{width}")
    context.close()


def test_staff_pages_of_the_door_pass_axe(live_server, page, staff, client):
    refusing = OrganisationFactory(name="Refuse souvent")
    AssignmentFactory.create_batch(10, organisation=refusing, status="not_for_me")
    enterprise = EnterpriseFactory()
    Survey.objects.create(
        enterprise=enterprise,
        trigger="autonomous",
        usefulness=5,
        allowed=["visible"],
        answered_at=timezone.now(),
        completed_at=timezone.now(),
    )
    JoinRequest.objects.create(
        first_name="Nadia",
        last_name="Benali",
        business_name="Boulangerie du Petit Bard",
        commune="Montpellier",
        channel="phone",
        phone="06 12 34 56 78",
        needs=["visible"],
        consent_at=timezone.now(),
    )
    desk = logged_in(page, client, staff, live_server)
    for path, heading, name in (
        ("/espace/demandes/", "Demandes des entrepreneurs", "requests"),
        ("/pilotage/partenaires/", "Suivi des partenaires", "partners"),
        ("/pilotage/", "La voix des entrepreneurs", "pilotage"),
    ):
        desk.goto(f"{live_server.url}{path}")
        desk.get_by_role("heading", name=heading).wait_for()
        assert_accessible(desk)
        shot(desk, f"staff-{name}-1280")
        if name == "partners":
            call_list = desk.get_by_role("region", name="À appeler cette semaine").inner_text()
            assert "Refuse souvent" in call_list
