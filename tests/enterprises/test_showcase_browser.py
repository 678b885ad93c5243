"""The public showcase passes axe, on a phone and a desktop, and shows no unpublished story."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises import signed_links
from enterprises.models import Consent, EventRegistration, Story
from partners.models import Meeting

from ..accessibility import assert_accessible
from ..factories import EnterpriseFactory, PairingFactory
from .test_stories import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "shots"


def story(name, published, photo=False):
    enterprise = EnterpriseFactory(name=name.upper())
    made = Story.objects.create(
        enterprise=enterprise,
        business_name=name,
        trade="Fleuriste",
        neighbourhood="Mosson",
        what_changed="Je prends les commandes en ligne et je livre tout le quartier.",
        quote="Mes clients me trouvent enfin sur internet.",
        photo=SimpleUploadedFile("p.png", PNG) if photo else "",
        photo_alt="La vitrine de la boutique" if photo else "",
    )
    if published:
        consent = Consent.objects.create(
            enterprise=enterprise, purpose="temoignage", text=made.text(), method="lien"
        )
        Story.objects.filter(pk=made.pk).update(
            consent=consent, consented_text=consent.text, validated_at=timezone.now()
        )
    return made


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_showcase_passes_axe_and_shows_only_published_stories(
    live_server, page, phone_page, size
):
    story("Fleurs de la Mosson", published=True, photo=True)
    story("Boulangerie du Mail", published=True)
    story("Atelier pas encore d'accord", published=False)
    tab = phone_page if size == "phone" else page
    tab.goto(f"{live_server.url}/temoignages/")
    tab.get_by_role("heading", name="Témoignages d'entrepreneurs").wait_for()
    assert_accessible(tab)
    content = tab.content()
    assert "Fleurs de la Mosson" in content and "Boulangerie du Mail" in content
    assert "pas encore" not in content
    if size == "phone":
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"showcase-{size}.png"), full_page=True)
    tab.get_by_role("link", name="Fleurs de la Mosson").click()
    tab.get_by_role("heading", name="Ce qui a changé").wait_for()
    assert_accessible(tab)
    tab.screenshot(path=str(SHOTS / f"showcase-story-{size}.png"), full_page=True)


def test_the_pages_of_signed_links_pass_axe_on_a_phone(live_server, phone_page):
    """What an entrepreneur without an account opens from an e-mail."""
    pairing = PairingFactory()
    told = story("Fleurs de la Mosson", published=False)
    meeting = Meeting.objects.create(
        title="Rencontre : vendre en ligne", kind="rencontre", starts_at=timezone.now()
    )
    registration = EventRegistration.objects.create(meeting=meeting, enterprise=pairing.mentee)
    links = [
        signed_links.pairing_link(pairing, "mentee"),
        signed_links.withdrawal_link(pairing.pair.consent),
        signed_links.story_link(told),
        signed_links.registration_link(registration),
    ]
    for link in links:
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        phone_page.goto(live_server.url + path)
        phone_page.locator("h1").wait_for()
        assert_accessible(phone_page)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
        phone_page.locator("button.primary").click()
        phone_page.get_by_role("status").wait_for()
        assert_accessible(phone_page)
    name = SHOTS / "signed-link-phone.png"
    phone_page.screenshot(path=str(name), full_page=True)
    assert EventRegistration.objects.get().registered_at is not None
