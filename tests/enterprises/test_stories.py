"""The showcase: consent to the exact text, staff validation, withdrawal at once, no
unpublished story on the public pages, the A4 poster."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from enterprises.models import Consent, Story

from ..factories import AssignmentFactory, ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def path_in(message):
    url = re.search(r"http://\S+/(?:temoignages/accord|consentement)/\S+/", message.body)
    return "/" + url.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def florist(organisation_a):
    enterprise = EnterpriseFactory(name="FLEURS DE LA MOSSON", stage="autonome")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    ContactFactory(enterprise=enterprise, email="fleurs@exemple.test", phone="0600000000")
    return enterprise


def write_story(client, enterprise, **data):
    values = {
        "business_name": "Fleurs de la Mosson",
        "trade": "Fleuriste",
        "neighbourhood": "Mosson",
        "what_changed": "Je prends les commandes en ligne et je livre le quartier.",
        "quote": "Mes clients me trouvent sur internet.",
        "photo": SimpleUploadedFile("boutique.png", PNG, content_type="image/png"),
        "photo_alt": "La vitrine de la boutique",
    } | data
    return client.post(reverse("enterprises:story_create", args=[enterprise.pk]), values)


def test_a_story_is_published_after_consent_and_validation_and_withdrawn_at_once(
    client, alice, staff, florist, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    assert write_story(client, florist).status_code == 302
    story = Story.objects.get()
    showcase = reverse("enterprises:showcase")
    public = reverse("enterprises:showcase_story", args=[story.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:story_send", args=[story.pk]))
    consent_url = path_in(mail.outbox[-1])
    assert "Mes clients me trouvent sur internet." in mail.outbox[-1].body

    client.logout()
    assert client.get(public).status_code == 404  # not consented yet
    page = client.get(consent_url).content.decode()
    assert "J'accepte la publication de ce texte" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(consent_url)
    consent = Consent.objects.get(purpose="temoignage")
    assert consent.text == story.text() and consent.method == "lien"
    withdraw_url = path_in(mail.outbox[-1])
    assert client.get(public).status_code == 404  # consented, not validated

    client.force_login(alice)  # a conseiller cannot validate
    assert client.post(reverse("enterprises:story_validate", args=[story.pk])).status_code == 404
    client.force_login(staff)
    client.post(reverse("enterprises:story_validate", args=[story.pk]))
    client.logout()
    page = client.get(showcase).content.decode()
    assert "Fleurs de la Mosson" in page and "Mes clients me trouvent" in page
    assert "fleurs@exemple.test" not in page and "0600000000" not in page
    assert client.get(public).status_code == 200
    photo = client.get(reverse("enterprises:showcase_photo", args=[story.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"

    # Withdrawn by the link of the confirmation e-mail: gone at once, photo and poster too.
    client.post(withdraw_url)
    assert "Fleurs de la Mosson" not in client.get(showcase).content.decode()
    for name in ("showcase_story", "showcase_photo", "showcase_poster"):
        assert client.get(reverse(f"enterprises:{name}", args=[story.pk])).status_code == 404


def test_editing_the_text_needs_a_new_consent(client, alice, staff, florist):
    client.force_login(alice)
    write_story(client, florist)
    story = Story.objects.get()
    client.post(reverse("enterprises:story_record_consent", args=[story.pk]))
    client.force_login(staff)
    client.post(reverse("enterprises:story_validate", args=[story.pk]))
    assert Story.objects.published().count() == 1
    client.force_login(alice)
    edit = reverse("enterprises:story_edit", args=[story.pk])
    values = {
        "business_name": "Fleurs de la Mosson",
        "trade": "Fleuriste",
        "neighbourhood": "Mosson",
        "what_changed": "Autre chose.",
        "quote": "Une autre citation.",
        "photo_alt": "La vitrine de la boutique",
    }
    assert client.post(edit, values).status_code == 302
    assert Story.objects.published().count() == 0
    story.refresh_from_db()
    assert story.consent is None and story.validated_at is None


def test_an_old_consent_link_does_not_accept_a_changed_text(
    client, alice, florist, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    write_story(client, florist)
    story = Story.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:story_send", args=[story.pk]))
    link = path_in(mail.outbox[-1])
    story.quote = "Une citation changée."
    story.save()
    client.logout()
    client.post(link)
    assert not Consent.objects.exists()
    assert client.get(link[:-4] + "abc/").status_code == 404


def test_the_poster_is_one_a4_page(client, alice, staff, florist):
    client.force_login(alice)
    write_story(client, florist)
    story = Story.objects.get()
    client.post(reverse("enterprises:story_record_consent", args=[story.pk]))
    client.force_login(staff)
    client.post(reverse("enterprises:story_validate", args=[story.pk]))
    client.logout()
    response = client.get(reverse("enterprises:showcase_poster", args=[story.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "Fleurs de la Mosson" in text and "Mes clients me trouvent sur internet" in text
