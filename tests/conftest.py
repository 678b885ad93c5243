"""Test harness: factories' fixtures, the alice/bob/charlie triad, real services.

Tests marked `postgres`, `redis` or `browser` need the real thing. Outside CI they are
skipped with the reason when it is missing; with CI set they fail instead.
"""

import os
import shutil
import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from partners.enums import OrganisationKind, Role

from .factories import MembershipFactory, OrganisationFactory, UserFactory, enable_totp

IN_CI = bool(os.environ.get("CI"))


class SecondFactorClient(Client):
    """`force_login` of a staff member with TOTP also records, in the session, that the
    code was typed, as a real login does (the staff MFA middleware asks for it)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.is_staff and getattr(user, "totp_secret", None):
            session = self.session
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "mfa", "type": "totp", "at": time.time(), "reauthenticated": True}
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()


@pytest.fixture
def client():
    return SecondFactorClient()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing_service(reason):
    """Fail in CI (a missing service must not pass unnoticed), skip elsewhere."""
    if IN_CI:
        pytest.fail(f"Service requis absent en CI : {reason}", pytrace=False)
    pytest.skip(reason)


def redis_problem():
    if not settings.REDIS_URL:
        return "REDIS_URL n'est pas défini"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis injoignable ({exc.__class__.__name__})"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing_service("PostgreSQL requis : définissez DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis"):
        problem = redis_problem()
        if problem:
            missing_service(problem)
    if item.get_closest_marker("libreoffice") and not shutil.which("soffice"):
        missing_service("LibreOffice introuvable : apt-get install libreoffice-calc-nogui")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        missing_service(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The production manifest needs `collectstatic`; test_static.py runs it once.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def reference_data(db):
    """The shipped reference data (idempotent, so cheap when already there)."""
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", verbosity=0, stdout=quiet)


@pytest.fixture
def organisation_a(db):
    return OrganisationFactory(name="Structure A")


@pytest.fixture
def organisation_b(db):
    return OrganisationFactory(name="Structure B")


@pytest.fixture
def alice(organisation_a):
    """A conseiller of organisation A: the owner, allowed."""
    user = UserFactory(email="alice@example.test", first_name="Alice")
    MembershipFactory(user=user, organisation=organisation_a, role=Role.CONSEILLER)
    return user


@pytest.fixture
def bob(organisation_a):
    """A lecteur of organisation A: reads, may not write."""
    user = UserFactory(email="bob@example.test", first_name="Bob")
    MembershipFactory(user=user, organisation=organisation_a, role=Role.LECTEUR)
    return user


@pytest.fixture
def charlie(organisation_b):
    """A conseiller of organisation B: sees nothing of A's."""
    user = UserFactory(email="charlie@example.test", first_name="Charlie")
    MembershipFactory(user=user, organisation=organisation_b, role=Role.CONSEILLER)
    return user


@pytest.fixture
def staff(db):
    """Métropole staff, with TOTP enrolled as the rule requires (secret: staff.totp_secret)."""
    user = UserFactory(email="staff@example.test", is_staff=True, is_superuser=True)
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(
            name="Montpellier Méditerranée Métropole", kind=OrganisationKind.COLLECTIVITE
        ),
        role=Role.ADMIN,
    )
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def org_admin(organisation_a):
    """The administrateur of organisation A."""
    user = UserFactory(email="admin-a@example.test", first_name="Adèle")
    MembershipFactory(user=user, organisation=organisation_a, role=Role.ADMIN)
    return user


@pytest.fixture
def funder(db):
    """A member of the funder (the Caisse des Dépôts) with the role « financeur »."""
    user = UserFactory(email="financeur@example.test", first_name="Fanny")
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(
            name="Caisse des Dépôts (test)", kind=OrganisationKind.FINANCEUR
        ),
        role=Role.FINANCEUR,
    )
    return user


# --- Browser -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context, desktop size."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A page in a fresh context, the size of a small phone (360 px wide)."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the cache: start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
