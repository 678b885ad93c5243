"""The enterprise form refuses what the import refuses; activity notes have a limit
(issue 17, item 10)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Activity, Enterprise
from enterprises.models.activities import NOTES_MAX_LENGTH

from ..factories import text
from .test_activities import mine, session  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

GOOD = {
    "siret": "732 829 320 00074",
    "name": "COIFFURE LEÏLA",
    "address": "3 rue de la Mosson",
    "postcode": "34080",
    "commune": "Montpellier",
    "latitude": "43.6321",
    "longitude": "3.82",
    "source": "terrain",
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"latitude": "14.6", "longitude": "-61.0"}, "hors limites de la France métropolitaine"),
        ({"latitude": "43.6", "longitude": "-61.0"}, "Longitude hors limites"),
        ({"latitude": "-43.6", "longitude": "3.8"}, "Latitude hors limites"),
        ({"created_on": "9999-12-31"}, "La date de création est dans le futur."),
        ({"created_on": "1212-01-01"}, "La date de création est impossible"),
        ({"postcode": "ABCDE"}, "Code postal à 5 chiffres attendu."),
        ({"postcode": "3408"}, "Code postal à 5 chiffres attendu."),
    ],
)
def test_the_form_refuses_what_the_import_refuses(client, alice, reference_data, data, message):
    client.force_login(alice)
    response = client.post(reverse("enterprises:create"), GOOD | data)
    assert response.status_code == 200
    assert message in text(response)
    assert not Enterprise.objects.exists()


def test_a_date_of_today_and_a_point_in_corsica_are_accepted(client, alice, reference_data):
    client.force_login(alice)
    data = GOOD | {
        "created_on": timezone.localdate().isoformat(),
        "latitude": "41.92",
        "longitude": "8.74",
    }
    response = client.post(reverse("enterprises:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Enterprise.objects.get().longitude == 8.74


def test_activity_notes_have_a_length_limit(client, alice, mine):  # noqa: F811
    client.force_login(alice)
    response = session(client, mine, notes="x" * (NOTES_MAX_LENGTH + 1))
    assert response.status_code == 200
    assert f"au plus {NOTES_MAX_LENGTH} caractères" in text(response).replace("\u202f", " ")
    assert not Activity.objects.exists()
    assert session(client, mine, notes="x" * NOTES_MAX_LENGTH).status_code == 302
    assert (
        f'maxlength="{NOTES_MAX_LENGTH}"'
        in client.get(reverse("enterprises:log_session", args=[mine.pk])).content.decode()
    )
