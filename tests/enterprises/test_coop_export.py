"""The activity export lines up with « La Coop de la médiation numérique »'s own export."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Activity, Participation
from programme.models import Term

from ..factories import ActivityFactory, AssignmentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

# Verbatim from the Coop's buildAccompagnementsWorksheet.ts (’ is U+2019).
COOP_SELF = [
    "Date", "Enregistré le", "Dernière modification le", "Type", "Participants",
    "Bénéficiaire", "Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune",
    "Code postal", "Code Insee", "Durée (min)", "Nom de l’atelier",
    "Matériel numérique utilisé", "Thématique(s) d’accompagnement", "Tags",
    "Nom de la démarche administrative", "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté", "Structure de redirection", "Commune du bénéficiaire",
    "Code postal du bénéficiaire", "Code Insee du bénéficiaire", "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "Notes supplémentaires",
    "ID CRA",
]  # fmt: skip
MEDIATOR = ["Prénom du médiateur", "Nom du médiateur", "Rôle", "ID - Conum"]


def term(family, code):
    return Term.objects.get(family=family, code=code)


@pytest.fixture
def workshop(alice, organisation_a, reference_data):
    present = EnterpriseFactory(name="BOULANGERIE DU MAIL", postcode="34080", commune="Montpellier")
    excused = EnterpriseFactory(name="GARAGE")
    for enterprise in (present, excused):
        AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    activity = ActivityFactory(
        kind="collectif",
        title="Facturation électronique",
        place_type="a_distance",
        author=alice,
        organisation=organisation_a,
        anonymous_count=3,
        level=term("niveau_atelier", "intermediaire"),
        notes="Relancer",
        duration=120,
    )
    activity.themes.set(
        [
            term("thematique", "entrepreneuriat"),
            term("thematique", "aide_aux_demarches_administratives"),
            term("thematique_tpe", "facturation_electronique"),
        ]
    )
    activity.equipment.set([term("materiel", "ordinateur"), term("materiel", "autre")])
    Participation.objects.create(activity=activity, enterprise=present)
    Participation.objects.create(activity=activity, enterprise=excused, attendance="excuse")
    return activity


def sheet_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Date")
    return sheet, header, rows[header], rows[header + 1 :]


def test_my_export_is_the_coops_self_export_then_our_columns(client, alice, workshop):
    client.force_login(alice)
    response = client.get(reverse("enterprises:activity_export"), {"mine": "1", "format": "xlsx"})
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="coop-numerique_accompagnements_{today:%Y-%m-%d}.xlsx"'
    )
    sheet, header_index, header, body = sheet_rows(response)
    assert header[: len(COOP_SELF)] == COOP_SELF
    assert header[len(COOP_SELF) :] == [
        "Canal (Parcours TPE)",
        "Orientation vers une structure du réseau",
        "Action du programme",
        "Structure",
        "QPV",
        "Section NAF",
        "SIRET",
    ]
    # One row per person present: the enterprise and 3 anonymous, not the excused one.
    assert len(body) == 4
    rows = [dict(zip(header, row, strict=True)) for row in body]
    assert [r["Participants"] for r in rows] == ["1/4", "2/4", "3/4", "4/4"]
    assert [r["Bénéficiaire"] for r in rows] == ["BOULANGERIE DU MAIL"] + [
        "Bénéficiaire anonyme"
    ] * 3
    first = rows[0]
    assert first["Type"] == "Atelier collectif"
    assert first["Canaux d’accompagnement"] == "À distance"
    assert first["Matériel numérique utilisé"] == "Ordinateur\nAutre"
    assert first["Thématique(s) d’accompagnement"] == (
        "Accompagner un professionnel\nAide aux démarches administratives"
    )
    assert first["Tags"] == "Facturation électronique"
    assert first["Niveau d’autonomie (ou de l’atelier)"] == "2/3"
    assert first["Durée (min)"] == 120 and first["ID CRA"] == workshop.pk
    assert first["Code postal du bénéficiaire"] == "34080"
    assert first["Genre du bénéficiaire"] == "Non communiqué"
    assert first["Notes supplémentaires"] == "Relancer"
    assert rows[1]["Notes supplémentaires"] is None  # the Coop writes them on the first row
    assert rows[1]["Code postal du bénéficiaire"] is None
    date = sheet.cell(row=header_index + 2, column=1)
    assert date.is_date and date.number_format == "dd/mm/yyyy"
    created = sheet.cell(row=header_index + 2, column=2)
    assert created.is_date and created.number_format == 'dd/mm/yyyy" à "hh:mm'
    assert created.value == timezone.localtime(workshop.created_at).replace(
        tzinfo=None, microsecond=0
    ) or abs(
        created.value - timezone.localtime(workshop.created_at).replace(tzinfo=None)
    ) < datetime.timedelta(seconds=1)


def test_a_session_in_the_enterprise_is_the_coops_home_visit(client, alice, workshop):
    session = ActivityFactory(
        author=alice,
        organisation=workshop.organisation,
        place_type="domicile",
        autonomy=term("autonomie", "autonome"),
        referral_structure=term("structure_redirection", "aide_sociale"),
    )
    session.themes.set([term("thematique_administrative", "logement")])
    enterprise = workshop.participations.first().enterprise
    Participation.objects.create(activity=session, enterprise=enterprise)
    client.force_login(alice)
    _, _, header, body = sheet_rows(
        client.get(reverse("enterprises:activity_export"), {"format": "xlsx"})
    )
    assert header[:7] == COOP_SELF[:3] + MEDIATOR  # not a self-export: the mediator columns
    assert "Bénéficiaire" not in header and "SIRET" not in header
    row = next(
        dict(zip(header, r, strict=True)) for r in body if r[header.index("ID CRA")] == session.pk
    )
    assert row["Participants"] == 1 and row["Type"] == "Accompagnement individuel"
    assert row["Canaux d’accompagnement"] == "À domicile"
    assert row["Canal (Parcours TPE)"] == "dans l'entreprise"
    # The Coop's commune of a home visit: here, the enterprise's.
    assert (row["Commune"], row["Code postal"]) == ("Montpellier", "34080")
    assert row["Niveau d’autonomie (ou de l’atelier)"] == "3/3"
    assert row["Bénéficiaire réorienté"] == "Oui"
    assert row["Structure de redirection"] == (
        "Structure d’aide sociale (maison des solidarités, centre social…)"
    )
    assert row["Thématique(s) d’accompagnement"] == "Logement"
    assert row["Dernière modification le"] is None


def test_a_workshop_with_only_anonymous_participants_has_one_row_each(client, alice, workshop):
    Participation.objects.filter(activity=workshop).delete()
    workshop.anonymous_count = 4
    workshop.save()
    client.force_login(alice)
    csv = client.get(reverse("enterprises:activity_export"), {"mine": "1"}).content
    text = csv.decode("utf-8-sig")
    assert text.count("Bénéficiaire anonyme") == 4
    assert text.count("Atelier collectif") == 4


def test_administrative_themes_are_offered_and_imply_the_coops_parent(client, alice, workshop):
    enterprise = workshop.participations.first().enterprise
    client.force_login(alice)
    url = reverse("enterprises:log_session", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert "Démarche · Papiers - Élections - Citoyenneté" in page
    assert "Démarche · Associations" in page
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "duration_preset": "45",
            "place_type": "domicile",
            "themes": [term("thematique_administrative", "argent_impots").pk],
            "autonomy": term("autonomie", "autonome").pk,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.exclude(pk=workshop.pk).get()
    assert {t.code for t in activity.themes.all()} == {
        "argent_impots",
        "aide_aux_demarches_administratives",
    }


def test_the_vocabulary_uses_the_coops_api_values(reference_data):
    codes = set(Term.objects.filter(family="thematique").values_list("code", flat=True))
    assert {"prendre_en_main_du_materiel", "aide_aux_demarches_administratives"} <= codes
    assert Term.objects.filter(family="thematique_administrative").count() == 11
    assert term("type_lieu", "lieu_activite").label == "Lieu d’activité"
