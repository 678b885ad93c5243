"""Real-layout PIX Orga exports (generic, school, university, older) import matched by id."""

import datetime
import pathlib
import re

import pytest

from enterprises.imports.pix import apply_pix, prepare_pix
from enterprises.models import Assessment

from ..factories import ContactFactory

pytestmark = pytest.mark.django_db
FILES = pathlib.Path(__file__).parent / "pix_files"
COMPETENCE = "Mener une recherche et une veille d'information"


def serialise(value):
    """One cell as PIX's serializeLine writes it (helpers/csv.js)."""
    if isinstance(value, int | float):
        return str(value).replace(".", ",", 1)
    if re.fullmatch(r"[0-9-]+", value):
        return value
    guard = "'" if re.match(r"[-@=+]", value) else ""
    return '"' + guard + value.replace('"', '""') + '"'


def pix_export(learner_headers, learner_values, external_id, label="Identifiant TPE"):
    headers = [
        "Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne", "Parcours",
        "Nom du Participant", "Prénom du Participant", *learner_headers, label,
        "% de progression", "Date de début", "Partage (O/N)", "Date du partage",
        "% maitrise de l'ensemble des acquis du profil",
        "% de maitrise des acquis du domaine Informations et données",
    ]  # fmt: skip
    row = [
        "Montpellier Méditerranée Métropole", 123456, "TPEMTP123", "Diagnostic", "Parcours TPE",
        "=Petit", "@Léa", *learner_values, external_id, 1, "04/03/2025 09:12", "Oui",
        "04/03/2025 09:55", 0.56, 0.6,
    ]  # fmt: skip
    lines = [";".join(serialise(h) for h in headers), ";".join(serialise(v) for v in row)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("name", "external_id", "overall"),
    [
        ("pro.csv", "TPE-1A2B3C4D", "56.0"),
        ("sco.csv", "TPE-0F1E2D3C", "75.0"),
        ("sup.csv", "TPE-99AA88BB", "50.0"),
    ],
)
def test_generic_school_and_university_exports_match_by_id(staff, name, external_id, overall):
    contact = ContactFactory(pix_external_id=external_id)
    prepared = prepare_pix((FILES / name).read_bytes(), name)
    assert prepared.ok, prepared.messages()
    # One domain in these files: the only warnings are the four missing domains.
    assert len(prepared.warnings) == 4 and all("pas de score" in w for w in prepared.warnings)
    assert [row.contact for row in prepared.matched] == [contact]
    assert len(prepared.unshared) == 1
    apply_pix(prepared, user=staff)
    assessment = Assessment.objects.get()
    assert str(assessment.overall) == overall and assessment.pix_campaign[:3] in "TPESCOSUP"


def test_the_shared_time_is_paris_time(staff):
    ContactFactory(pix_external_id="TPE-1A2B3C4D")
    prepared = prepare_pix((FILES / "pro.csv").read_bytes(), "pro.csv")
    assert prepared.matched[0].shared_at == datetime.datetime(
        2025, 3, 4, 8, 55, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize("name", ["pro2024.csv", "pro2022.csv"])
def test_older_layouts_are_read(staff, name):
    contact = ContactFactory(pix_external_id="TPE-1A2B3C4D")
    prepared = prepare_pix((FILES / name).read_bytes(), name)
    assert prepared.ok, prepared.messages()
    [row] = prepared.matched
    assert row.contact == contact
    assert row.shared_at.astimezone(datetime.UTC).date() == row.shared_at.date()
    apply_pix(prepared, user=staff)
    assessment = Assessment.objects.get()
    assert assessment.date.day == 4 and str(assessment.overall) == "56.0"
    if name == "pro2022.csv":
        assert assessment.pix_campaign == "123456"
        assert any("ID Campagne" in w for w in prepared.warnings)


@pytest.mark.parametrize("typed", ["+33612345678", "=TPE-1", "@TPE-2", "-TPE-3"])
def test_the_apostrophe_pix_adds_is_removed(typed):
    contact = ContactFactory(pix_external_id=typed, first_name="Léa", last_name="Petit")
    prepared = prepare_pix(pix_export(["Classe"], ["3A"], typed), "x.csv")
    assert prepared.ok, prepared.messages()
    assert [row.contact for row in prepared.matched] == [contact]
    assert prepared.matched[0].participant == "@Léa =Petit"


def test_a_campaign_label_is_found_whatever_learner_columns_come_before():
    contact = ContactFactory(pix_external_id="TPE-AB")
    content = pix_export(["Date de naissance", "Classe"], ["01/02/2010", "4B"], "TPE-AB", "SIRET")
    prepared = prepare_pix(content, "x.csv", external_id_label="SIRET")
    assert [row.contact for row in prepared.matched] == [contact]
    assert not any("juste avant" in w for w in prepared.warnings)
    # Another label: the column just before « % de progression », with a warning.
    fallback = prepare_pix(content, "x.csv")
    assert [row.contact for row in fallback.matched] == [contact]
    assert any("« SIRET », juste avant « % de progression »" in w for w in fallback.warnings)


def test_a_school_export_without_external_id_is_refused_naming_the_column():
    content = (FILES / "sco.csv").read_text(encoding="utf-8-sig")
    content = content.replace('"Identifiant TPE";', "").replace('"TPE-0F1E2D3C";', "")
    content = content.replace(";12345;", ";")
    prepared = prepare_pix(content.encode("utf-8-sig"), "sco.csv")
    assert not prepared.ok
    [message] = prepared.file_errors
    assert "« Identifiant TPE »" in message and "« Classe »" in message
    assert "% de progression" in message
