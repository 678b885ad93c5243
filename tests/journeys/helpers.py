"""What every journey does: log in as a person does, check each page with axe, keep a
screenshot of the last page under var/journeys/."""

from pathlib import Path

from django.conf import settings

from ..accessibility import assert_accessible
from ..factories import totp_code

PASSWORD = "mot-de-passe-de-test"
SIZES = {"phone": {"width": 360, "height": 740}, "desk": {"width": 1280, "height": 800}}
SHOTS = Path(settings.BASE_DIR) / "var" / "journeys"


def new_page(browser, size):
    """A fresh browser (context) at one of the two sizes the journeys run at."""
    phone = size == "phone"
    context = browser.new_context(
        locale="fr-FR", viewport=SIZES[size], is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def checked(page):
    """Run axe on the page as it stands, and check nothing scrolls sideways on a phone."""
    assert_accessible(page)
    width = page.viewport_size["width"]
    if width <= 400:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    return page


def log_in(page, base_url, email, totp_secret=None):
    page.goto(f"{base_url}/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if totp_secret:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Connexion").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()
    if not page.get_by_role("heading", name="Mon espace").is_visible():
        checked(page)  # where staff land (« Pilotage »)
        page.get_by_role("link", name="Mon espace").click()
    page.get_by_role("heading", name="Mon espace").wait_for()
    checked(page)


def keep_screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
