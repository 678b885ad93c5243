"""Contacts appear nowhere a reader may look (issue 17, item 2): every page a lecteur can
reach by following links, and every export offered to them, on rich data, holds no
contact's name, e-mail or phone."""

import io
import re
import zipfile
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from enterprises.models import Participation

from ..factories import (
    ActivityFactory,
    AssessmentFactory,
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    StageChangeFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    "Zéphyrine",
    "Quenotte",
    "zephyrine.quenotte@exemple.test",
    "Anatole",
    "Brisebarre",
    "a.brisebarre@exemple.test",
    "06 12 34 56 78",
    "0612345678",
    "04 67 99 88 77",
]
SKIP = ("/admin/", "/static/", "/comptes/", "/accounts/", "/deconnexion", "/logout")


@pytest.fixture
def rich(alice, bob, organisation_a, reference_data):
    """An enterprise of structure A with contacts in its timeline, diagnostics and
    activities; bob reads structure A."""
    enterprise = EnterpriseFactory(name="ATELIER DU LEZ", referent=alice)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    first = ContactFactory(
        enterprise=enterprise,
        first_name="Zéphyrine",
        last_name="Quenotte",
        email="zephyrine.quenotte@exemple.test",
        phone="06 12 34 56 78",
    )
    second = ContactFactory(
        enterprise=enterprise,
        first_name="Anatole",
        last_name="Brisebarre",
        email="a.brisebarre@exemple.test",
        phone="04 67 99 88 77",
    )
    AssessmentFactory(enterprise=enterprise, contact=first)
    AssessmentFactory(enterprise=enterprise, contact=second, kind="final")
    activity = ActivityFactory(author=alice, organisation=organisation_a, notes="RAS")
    Participation.objects.create(activity=activity, enterprise=enterprise, contact=first)
    StageChangeFactory(enterprise=enterprise)
    return enterprise, activity


def _text(response):
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(
                book.read(name).decode() for name in book.namelist() if name.endswith(".xml")
            )
    return unescape(body.decode("utf-8-sig", errors="replace"))


def _links(page, base):
    for href in re.findall(r'href="([^"#]+)', page):
        url = urljoin(base, unescape(href))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or url.startswith(("mailto:", "tel:")):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIP):
            yield path


def test_a_reader_finds_no_contact_anywhere(client, bob, rich):
    enterprise, activity = rich
    client.force_login(bob)
    start = [
        "/",
        reverse("enterprises:detail", args=[enterprise.pk]),
        reverse("enterprises:activity_detail", args=[activity.pk]),
        reverse("enterprises:export") + "?format=csv&contacts=1",
        reverse("enterprises:export") + "?format=xlsx&contacts=1",
        reverse("enterprises:activity_export") + "?format=csv",
        reverse("enterprises:activity_export") + "?format=xlsx&mine=1",
    ]
    queue, seen, read = deque(start), set(start), 0
    while queue and read < 400:
        path = queue.popleft()
        response = client.get(path)
        read += 1
        if response.status_code != 200:
            continue
        page = _text(response)
        for secret in SECRETS:
            assert secret not in page, f"{secret!r} shown to a reader on {path}"
        if "html" in response.get("Content-Type", ""):
            for link in _links(page, path):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    detail = _text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    assert "Diagnostic initial" in detail and "— contact" in detail  # shown, but unnamed
    assert read > 10  # the walk did reach the workspace


def test_those_who_follow_the_enterprise_see_the_names(client, alice, rich):
    enterprise, activity = rich
    client.force_login(alice)
    detail = _text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    assert "Zéphyrine Quenotte" in detail and "zephyrine.quenotte@exemple.test" in detail
    page = _text(client.get(reverse("enterprises:activity_detail", args=[activity.pk])))
    assert "(Zéphyrine Quenotte)" in page
    export = _text(client.get(reverse("enterprises:export") + "?format=csv&contacts=1"))
    assert "Zéphyrine Quenotte, dirigeant(e), zephyrine.quenotte@exemple.test" in export
