import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.enums import QpvSource, Stage
from enterprises.models import Enterprise, StageChange

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    NafCodeFactory,
    text,
    valid_siret,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(organisation_a):
    """Make enterprises assigned to organisation A."""

    def make(count=1, **kwargs):
        made = EnterpriseFactory.create_batch(count, **kwargs)
        for enterprise in made:
            AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
        return made

    return make


def list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("enterprises:list"), {"stage": "reperee"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_10_as_for_200_enterprises(
    client, alice, assigned, reference_data
):
    client.force_login(alice)
    assigned(10, naf=NafCodeFactory(), referent=alice)
    ten = list_queries(client)
    assigned(190, naf=NafCodeFactory())
    assert list_queries(client) == ten


def test_the_list_shows_only_what_i_can_see(client, charlie, alice, assigned):
    assigned(1, name="VISIBLE PAR A")
    EnterpriseFactory(name="INVISIBLE")
    client.force_login(alice)
    page = text(client.get(reverse("enterprises:list")))
    assert "VISIBLE PAR A" in page and "INVISIBLE" not in page
    client.force_login(charlie)
    assert "VISIBLE PAR A" not in text(client.get(reverse("enterprises:list")))


def test_search_by_name_or_siret_and_filters(client, alice, assigned, reference_data):
    [boulangerie] = assigned(1, name="BOULANGERIE DU MAIL", siret=valid_siret(900))
    assigned(1, name="GARAGE", stage=Stage.ACCOMPAGNEE)
    client.force_login(alice)
    url = reverse("enterprises:list")
    assert "BOULANGERIE" in text(client.get(url, {"q": "boulang"}))
    assert "GARAGE" not in text(client.get(url, {"q": "boulang"}))
    spaced = " ".join([boulangerie.siret[:3], boulangerie.siret[3:6], boulangerie.siret[6:]])
    assert "BOULANGERIE" in text(client.get(url, {"q": spaced}))
    by_stage = text(client.get(url, {"stage": "accompagnee"}))
    assert "GARAGE" in by_stage and "BOULANGERIE" not in by_stage
    assert "1 entreprise" in text(client.get(url, {"qpv": "hors", "stage": "accompagnee"}))


def test_pagination_keeps_the_filters(client, alice, assigned):
    assigned(60)
    client.force_login(alice)
    page = text(client.get(reverse("enterprises:list"), {"stage": "reperee"}))
    assert "Page 1 sur 2" in page and "stage=reperee&page=2" in page


def test_detail_shows_contacts_to_alice_but_not_to_bob(client, alice, bob, assigned):
    [enterprise] = assigned()
    ContactFactory(enterprise=enterprise, first_name="Samira", last_name="Ziani")
    client.force_login(alice)
    assert "Samira Ziani" in text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    client.force_login(bob)
    page = text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    assert "Samira" not in page and "Modifier" not in page and "Faire avancer" not in page


def test_tpe_status_is_shown_to_staff_only(client, staff, alice, assigned):
    [enterprise] = assigned(headcount=15)
    client.force_login(staff)
    assert "effectif de 15 personnes" in text(
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    )
    client.force_login(alice)
    assert "effectif de 15 personnes" not in text(
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    )


def test_a_conseiller_creates_an_enterprise_located_in_its_qpv(client, alice, reference_data):
    client.force_login(alice)
    response = client.post(
        reverse("enterprises:create"),
        {
            "siret": "732 829 320 00074",
            "name": "COIFFURE LEÏLA",
            "naf_code": "9602a",
            "headcount": "2",
            "address": "3 rue de la Mosson",
            "postcode": "34080",
            "commune": "Montpellier",
            "latitude": "43.6321",
            "longitude": "3.82",
            "source": "terrain",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    enterprise = Enterprise.objects.get()
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.siret == "73282932000074" and enterprise.naf.code == "96.02A"
    assert enterprise.qpv.code == "QP034005" and enterprise.qpv_source == QpvSource.POINT
    assert enterprise.referent == alice and enterprise.headcount_band == "01"
    assert StageChange.objects.get(enterprise=enterprise).to_stage == Stage.REPEREE
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 200


def test_a_bad_form_keeps_what_was_typed(client, alice, reference_data):
    client.force_login(alice)
    response = client.post(
        reverse("enterprises:create"),
        {
            "siret": "73282932000079",
            "name": "MA BOUTIQUE",
            "naf_code": "99.99Z",
            "latitude": "43.6",
            "source": "terrain",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "SIRET invalide" in page and "Code NAF « 99.99Z » inconnu" in page
    assert "Indiquez la latitude et la longitude" in page and 'value="MA BOUTIQUE"' in page
    assert not Enterprise.objects.exists()


def test_a_lecteur_cannot_create_or_edit(client, bob, assigned):
    [enterprise] = assigned()
    client.force_login(bob)
    assert client.post(reverse("enterprises:create"), {"siret": "x"}).status_code == 403
    assert (
        client.post(reverse("enterprises:edit", args=[enterprise.pk]), {"name": "x"}).status_code
        == 403
    )


def test_moving_along_the_parcours_from_the_page(client, alice, assigned):
    [enterprise] = assigned()
    client.force_login(alice)
    url = reverse("enterprises:move", args=[enterprise.pk])
    response = client.post(url, {"to_stage": "sortie"}, follow=True)
    assert "Indiquez le motif de sortie" in text(response)
    client.post(url, {"to_stage": "diagnostiquee", "note": "PIX fait"})
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.DIAGNOSTIQUEE
    response = client.post(url, {"to_stage": "reperee"}, follow=True)
    assert "Étape non modifiée" in text(response)
    assert "PIX fait" in text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))


def test_adding_a_contact_records_consent(client, alice, assigned):
    [enterprise] = assigned()
    client.force_login(alice)
    url = reverse("enterprises:contact_create", args=[enterprise.pk])
    missing = client.post(url, {"first_name": "Samira"})
    assert "Ce champ est obligatoire." in text(missing)
    client.post(
        url,
        {
            "first_name": "Samira",
            "last_name": "Ziani",
            "consent_date": "2024-03-01",
            "consent_method": "oral",
            "consent_purpose": "Accompagnement",
        },
    )
    contact = enterprise.contacts.get()
    assert contact.pix_external_id.startswith("TPE-") and contact.consent_method == "oral"


def test_export_csv_escapes_and_says_who_when_what(client, alice, assigned):
    assigned(1, name='=HYPERLINK("http://x")', trade_name="@SUM(A1)")
    client.force_login(alice)
    response = client.get(reverse("enterprises:export"), {"format": "csv", "stage": "reperee"})
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf") and response["Content-Disposition"].endswith('.csv"')
    decoded = content.decode("utf-8-sig")
    assert "Exporté par;Alice" in decoded and "Étape : repérée" in decoded
    assert "'=HYPERLINK" in decoded and ";'@SUM(A1)" in decoded
    assert "Contacts" not in decoded


def test_export_xlsx_has_no_formula_and_contacts_only_if_allowed(client, alice, bob, assigned):
    [enterprise] = assigned(1, name="=1+1")
    ContactFactory(enterprise=enterprise, first_name="Samira", last_name="Ziani")
    for user, expected in ((alice, "Samira Ziani"), (bob, "")):
        client.force_login(user)
        response = client.get(reverse("enterprises:export"), {"format": "xlsx", "contacts": "1"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        header = next(r for r in rows if r and r[0] == "SIRET")
        [line] = [dict(zip(header, r, strict=False)) for r in rows if r and "=1+1" in r]
        assert ("Samira Ziani" in (line.get("Contacts") or "")) == bool(expected)
