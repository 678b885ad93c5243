"""« Les chiffres du programme » (/chiffres/): public, aggregate, no count under 5."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from common.suppression import SUPPRESSED
from enterprises.models import Contact, Enterprise

from ..accessibility import assert_accessible
from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
CELLS = re.compile(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>")


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)


def tables(html):
    """The (label, value) cells of the page's tables, per table (split at each Total)."""
    found, current = [], []
    for label, value in CELLS.findall(html):
        current.append((label, value))
        if label == "Total":
            found.append(current)
            current = []
    return found


def test_anyone_reads_the_figures_and_no_small_count(client, demo):
    page = client.get(reverse("grant:public_figures"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Les chiffres du programme" in html
    found = tables(html)
    assert len(found) == 2
    for table in found:
        values = [value for _label, value in table]
        for value in values:
            assert value == SUPPRESSED.replace("<", "&lt;") or int(value) >= 5, value
        # A total is shown: a single hidden cell would be the total minus the others.
        assert sum(1 for v in values[:-1] if not v.isdigit()) != 1
    # The 40 demo enterprises over 12 QPVs: some QPVs hide their count.
    assert any(not value.isdigit() for _label, value in found[1])
    for enterprise in Enterprise.objects.all():
        assert enterprise.name not in html and enterprise.siret not in html
    for contact in Contact.objects.exclude(last_name=""):
        assert contact.last_name not in html


def test_the_figures_follow_the_data(client, demo, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    first = client.get(reverse("grant:public_figures")).content.decode()
    total = int(re.search(r"<dt>Entreprises dans le parcours</dt><dd>(\d+)</dd>", first).group(1))
    assert total == Enterprise.objects.count()
    EnterpriseFactory()
    again = client.get(reverse("grant:public_figures")).content.decode()
    assert f"<dt>Entreprises dans le parcours</dt><dd>{total + 1}</dd>" in again


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_the_page_is_accessible(live_server, browser, size):
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)
    context = browser.new_context(locale="fr-FR", viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{live_server.url}/chiffres/")
    page.get_by_role("heading", name="Entreprises par étape du parcours").wait_for()
    assert_accessible(page)
    shots = Path(settings.VAR_DIR) / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / f"chiffres-{size[0]}.png", full_page=True)
    context.close()
