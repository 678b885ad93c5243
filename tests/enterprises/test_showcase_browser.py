"""The public showcase passes axe, on a phone and a desktop, and shows no unpublished story."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.models import Consent, Story

from ..accessibility import assert_accessible
from ..factories import EnterpriseFactory
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
