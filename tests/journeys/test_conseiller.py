"""A conseiller's day, in Chromium at phone and desk size (issue 14)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from enterprises.enums import Stage
from enterprises.models import AccessRequest, Activity, Assessment, Enterprise
from programme.models import Place, Term

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from .helpers import checked, keep_screenshot, log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(db):
    """Demo-like data: a structure, its conseillère, three enterprises oriented to it, one
    imported by the Métropole that she cannot see, and her usual place (the tiers-lieu)."""
    call_command("load_reference_data", verbosity=0)
    structure = OrganisationFactory(name="Maison de l'emploi")
    nadia = UserFactory(email="nadia@example.test", first_name="Nadia", last_name="Benali")
    MembershipFactory(user=nadia, organisation=structure)
    names = ["BOULANGERIE DU MAIL", "GARAGE DES ARCEAUX", "FLEURISTE DE LA PAILLADE"]
    enterprises = {}
    for name in names:
        enterprises[name] = EnterpriseFactory(name=name)
        AssignmentFactory(enterprise=enterprises[name], organisation=structure)
    ContactFactory(enterprise=enterprises[names[0]], phone="06 12 34 56 78")
    hidden = EnterpriseFactory(name="TRAITEUR IMPORTÉ")
    place = Place.objects.get(name="Tiers-lieu Gisèle-Halimi")
    earlier = Activity.objects.create(
        kind="individuel",
        date=timezone.localdate() - datetime.timedelta(days=7),
        duration=60,
        place_type="lieu_activite",
        place=place,
        author=nadia,
        organisation=structure,
    )
    earlier.participations.create(enterprise=enterprises["GARAGE DES ARCEAUX"])
    earlier.themes.set(Term.objects.filter(code="site_internet"))
    return {"nadia": nadia, "structure": structure, "place": place, "hidden": hidden, **enterprises}


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_conseillers_day(live_server, browser, staff, day, size):
    base = live_server.url
    page = new_page(browser, size)
    log_in(page, base, "nadia@example.test")

    # Find an enterprise by its name.
    page.get_by_role("link", name="Entreprises", exact=True).click()
    checked(page)
    page.get_by_label("Nom ou SIRET").fill("boulang")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("1 entreprise", exact=True).wait_for()
    keep_screenshot(page, f"conseiller-{size}-list")
    for column in ("Étape", "Suivi"):  # every column readable, also at 360 px
        cell = page.locator(f"td[data-label='{column}']").first
        box = cell.bounding_box()
        assert cell.is_visible() and box["x"] + box["width"] <= page.viewport_size["width"]
    checked(page)
    page.get_by_role("link", name="BOULANGERIE DU MAIL").click()
    page.get_by_role("heading", name="BOULANGERIE DU MAIL").wait_for()
    assert page.get_by_role("link", name="06 12 34 56 78").get_attribute("href") == (
        "tel:+33612345678"
    )
    checked(page)

    # Log a session at the usual place: the form comes prefilled with the tiers-lieu.
    page.get_by_role("link", name="Noter une séance").click()
    page.get_by_role("heading", name="Noter une séance").wait_for()
    checked(page)
    assert page.get_by_label("Lieu", exact=True).input_value() == str(day["place"].pk)
    page.get_by_text("Autonome avec guidage en cas de besoin").click()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Séance du").wait_for()
    checked(page)
    session = Activity.objects.filter(participations__enterprise=day["BOULANGERIE DU MAIL"]).get()
    assert (session.place, session.place_type) == (day["place"], "lieu_activite")

    # Edit its note.
    page.get_by_role("link", name="Activités", exact=True).click()
    checked(page)
    page.get_by_role("link", name=str(session)).click()
    checked(page)
    page.get_by_role("link", name="Modifier").first.click()
    page.get_by_role("heading", name="Modifier l'activité").wait_for()
    checked(page)
    page.get_by_label("Notes").fill("Fiche Google créée ensemble")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Activité modifiée.").wait_for()
    checked(page)
    session.refresh_from_db()
    assert session.notes == "Fiche Google créée ensemble" and session.place == day["place"]

    # A workshop with two enterprises (one excused) and anonymous participants.
    page.get_by_role("link", name="Activités", exact=True).click()
    page.get_by_role("link", name="Nouvel atelier collectif").click()
    page.get_by_role("heading", name="Nouvel atelier collectif").wait_for()
    checked(page)
    page.get_by_label("Titre").fill("Facturation électronique")
    page.get_by_label("à distance").check()
    search = page.get_by_label("Chercher une entreprise")
    search.fill("garage")
    assert not page.get_by_label("FLEURISTE DE LA PAILLADE", exact=False).first.is_visible()
    page.get_by_role("checkbox", name="GARAGE DES ARCEAUX").check()
    search.fill("fleur")
    page.get_by_role("checkbox", name="FLEURISTE DE LA PAILLADE").check()
    page.get_by_label("Présence : FLEURISTE DE LA PAILLADE").select_option(label="excusée")
    search.fill("")
    page.get_by_label("Participants anonymes").fill("3")
    checked(page)
    keep_screenshot(page, f"conseiller-{size}-workshop")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Atelier « Facturation électronique » enregistré.").wait_for()
    checked(page)
    workshop = Activity.objects.get(title="Facturation électronique")
    assert workshop.anonymous_count == 3
    assert dict(workshop.participations.values_list("enterprise__name", "attendance")) == {
        "GARAGE DES ARCEAUX": "present",
        "FLEURISTE DE LA PAILLADE": "excuse",
    }

    # Record a diagnostic: the form says which enterprise it is for.
    page.get_by_role("link", name="Entreprises", exact=True).click()
    page.get_by_label("Nom ou SIRET").fill("boulang")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="BOULANGERIE DU MAIL").click()
    page.get_by_role("link", name="Noter un diagnostic").click()
    page.get_by_text("Pour l'entreprise BOULANGERIE DU MAIL").wait_for()
    checked(page)
    page.get_by_label("maîtrise globale (%)").fill("42")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Diagnostic enregistré : 42 %.").wait_for()
    checked(page)
    assert Assessment.objects.get().enterprise == day["BOULANGERIE DU MAIL"]

    # Move the parcours on.
    page.get_by_label("Nouvelle étape").select_option(label="autonome")
    page.get_by_role("button", name="Changer d'étape").click()
    page.get_by_text("Étape : autonome.").wait_for()
    checked(page)
    assert Enterprise.objects.get(name="BOULANGERIE DU MAIL").stage == Stage.AUTONOME

    # An enterprise she cannot see: nothing found, and a way forward that reveals nothing.
    hidden = day["hidden"]
    page.get_by_role("link", name="Entreprises", exact=True).click()
    page.get_by_label("Nom ou SIRET").fill(hidden.siret)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("Aucune entreprise ne correspond.").wait_for()
    checked(page)
    page.get_by_role("link", name="Demander l'accès à une entreprise").click()
    checked(page)
    page.get_by_label("SIRET de l'entreprise").fill(hidden.siret)
    page.get_by_label("Pourquoi demandez-vous l'accès ?").fill(
        "Le gérant est venu à ma permanence et veut être accompagné."
    )
    keep_screenshot(page, f"conseiller-{size}-access-request")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("Demande transmise à la Métropole").wait_for()
    assert "TRAITEUR" not in page.content()
    checked(page)
    access_request = AccessRequest.objects.get()
    assert (access_request.requester, access_request.siret) == (day["nadia"], hidden.siret)

    # Staff accept it: an orientation to her structure, handed to her.
    desk = new_page(browser, "desk")
    log_in(desk, base, staff.email, staff.totp_secret)
    desk.get_by_role("link", name="Demandes d'accès aux entreprises").click()
    desk.get_by_role("link", name="TRAITEUR IMPORTÉ").wait_for()
    checked(desk)
    keep_screenshot(desk, f"staff-access-requests-{size}")
    desk.get_by_label("Accepter : orienter vers sa structure").check()
    desk.get_by_role("button", name="Enregistrer la décision").click()
    desk.get_by_text("le demandeur est prévenu par e-mail").wait_for()
    checked(desk)
    desk.context.close()
    assert hidden.assignments.get().handled_by == day["nadia"]

    # She now finds it among the enterprises she follows.
    page.get_by_role("link", name="Mon espace").click()
    page.get_by_role("link", name="TRAITEUR IMPORTÉ").click()
    page.get_by_role("heading", name="TRAITEUR IMPORTÉ").wait_for()
    checked(page)
    keep_screenshot(page, f"conseiller-{size}")
    page.context.close()
