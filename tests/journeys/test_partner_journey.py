"""A partner structure's day, at phone and desk size: take an orientation in charge, close
it (with a confirmation and a note that stays visible), decline one with a reason, hand one
over to a colleague, find the enterprise in their own list, add a meeting to the agenda."""

import datetime
import re
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone

from enterprises.enums import AssignmentStatus, DeclineReason
from enterprises.models import Assignment
from partners.models import Meeting

from ..accessibility import assert_accessible
from ..factories import AssignmentFactory, EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "journeys"
PASSWORD = "mot-de-passe-de-test"


def visit(page, url=None):
    """Go somewhere (or stay) and check the page as it stands with axe."""
    if url:
        page.goto(url)
    assert_accessible(page)


def log_in(page, base, email):
    visit(page, f"{base}/compte/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/espace/"))
    visit(page)


def card(page, name):
    return page.locator("li.card").filter(has=page.get_by_role("heading", name=name))


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_partner_day(live_server, request, size, org_admin, alice, organisation_a, staff):
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    if size == "desk":
        page.set_viewport_size({"width": 1280, "height": 800})
    base = live_server.url
    names = ["BOULANGERIE DU LEZ", "GARAGE DE LA MOSSON", "COIFFURE DES AUBES"]
    for name in names:
        AssignmentFactory(
            enterprise=EnterpriseFactory(name=name),
            organisation=organisation_a,
            assigned_by=staff,
            message="Besoin d'un site Internet.",
        )
    meeting = Meeting.objects.create(
        title="Groupe de travail TPE — Bilan",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        duration=90,
        place="Tiers-lieu Gisèle-Halimi, Montpellier",
    )
    meeting.invitations.create(organisation=organisation_a)

    log_in(page, base, org_admin.email)
    page.get_by_role("link", name="Orientations reçues par ma structure").click()
    page.get_by_role("heading", name="Orientations reçues").wait_for()
    visit(page)

    # 1. Take the bakery in charge, then close it: the outcome must be chosen, and confirmed.
    bakery = card(page, names[0])
    bakery.get_by_role("button", name=re.compile("Prendre en charge")).click()
    page.get_by_text(f"« {names[0]} » est prise en charge.").wait_for()
    visit(page)
    bakery = card(page, names[0])
    bakery.get_by_text("Clôturer…").click()
    outcome = bakery.get_by_role("radio", name="Aide proposée")
    assert not outcome.is_checked()  # nothing preselected: no one-tap close
    bakery.get_by_label("Précision (facultatif)").fill("Site vitrine livré, suivi à 3 mois.")
    bakery.get_by_role("button", name=re.compile("^Continuer")).click()
    # The browser refuses to go on without an outcome: still open, nothing sent.
    assert Assignment.objects.get(enterprise__name=names[0]).status == "taking_care"
    outcome.check()
    bakery.get_by_role("button", name=re.compile("^Continuer")).click()
    page.get_by_role("heading", name=re.compile("Clôturer l'orientation de")).wait_for()
    visit(page)
    assert Assignment.objects.get(enterprise__name=names[0]).status == "taking_care"
    page.get_by_role("button", name="Confirmer la clôture").click()
    page.get_by_text(f"« {names[0]} » clôturée : aide proposée.").wait_for()
    visit(page)
    closed = Assignment.objects.get(enterprise__name=names[0])
    assert closed.status == AssignmentStatus.DONE and closed.decided_by == org_admin
    assert closed.closing_note == "Site vitrine livré, suivi à 3 mois."
    assert card(page, names[0]).get_by_text("Précision : Site vitrine livré").is_visible()

    # The note stays on the enterprise page, signed by the partner who decided.
    card(page, names[0]).get_by_role("link", name=names[0]).click()
    page.get_by_role("heading", name="Historique").wait_for()
    visit(page)
    history = page.locator(".timeline")
    assert history.get_by_text("Site vitrine livré, suivi à 3 mois.").is_visible()
    assert f"par {org_admin}" in history.inner_text()

    # 2. Decline the garage, with a reason.
    visit(page, f"{base}/espace/orientations/")
    garage = card(page, names[1])
    garage.get_by_text("Décliner…").click()
    garage.get_by_label("Motif").select_option(label=DeclineReason.PAS_DE_CAPACITE.label)
    garage.get_by_label("Précision").fill("Reprise en janvier.")
    garage.get_by_role("button", name=re.compile("^Décliner")).last.click()
    page.get_by_text(f"« {names[1]} » déclinée.").wait_for()
    visit(page)
    declined = Assignment.objects.get(enterprise__name=names[1])
    assert declined.status == AssignmentStatus.NOT_FOR_ME and declined.decided_by == org_admin
    assert card(page, names[1]).get_by_text("Reprise en janvier.").is_visible()
    (SHOTS.parent / "shots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS.parent / "shots" / f"inbox-declined-{size}.png"), full_page=True)

    # 3. Hand the hair salon over to a colleague.
    page.get_by_role("link", name=re.compile("^À traiter")).click()
    salon = card(page, names[2])
    salon.get_by_text("Décliner…").click()
    page.screenshot(path=str(SHOTS.parent / "shots" / f"inbox-todo-{size}.png"), full_page=True)
    salon.get_by_label("Confier à").select_option(label=str(alice))
    salon.get_by_role("button", name="Confier").click()
    page.get_by_text(f"« {names[2]} » confiée à {alice}.").wait_for()
    visit(page)
    assert Assignment.objects.get(enterprise__name=names[2]).handled_by == alice

    # 4. Find the enterprise again in their own list.
    visit(page, f"{base}/entreprises/")
    assert page.get_by_role("link", name=names[0]).first.is_visible()

    # 5. Add the working group's next meeting to the agenda.
    visit(page, f"{base}/espace/groupe-de-travail/")
    page.get_by_role("link", name=re.compile("Groupe de travail TPE — Bilan")).first.click()
    visit(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\.ics")).click()
    with open(download.value.path(), "rb") as handle:
        calendar = icalendar.Calendar.from_ical(handle.read())
    [event] = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(event["SUMMARY"]) == "Groupe de travail TPE — Bilan"
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0) or (
        event.decoded("DTSTART").replace(tzinfo=None)
        == timezone.localtime(meeting.starts_at).replace(microsecond=0, tzinfo=None)
    )

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"partner-{size}.png"), full_page=True)
