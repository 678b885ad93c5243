import csv
import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from demo.pix import write_demo_pix_export
from enterprises.enums import AssessmentKind, AssessmentSource, Stage
from enterprises.imports.pix import (
    apply_pix,
    confirm_proposal,
    parse_rate,
    prepare_pix,
)
from enterprises.models import Assessment, PixProposal, StageChange

from ..factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
HEADERS = [
    "Nom de l'organisation",
    "ID Campagne",
    "Code",
    "Nom de la campagne",
    "Parcours",
    "Nom du Participant",
    "Prénom du Participant",
    "Identifiant TPE",
    "% de progression",
    "Date de début",
    "Partage (O/N)",
    "Date du partage",
    "Palier obtenu (/5)",
    "% maitrise de l'ensemble des acquis du profil",
    "% de maitrise des acquis de la compétence Interagir",
    "% de maitrise des acquis du domaine Informations et données",
    "% de maitrise des acquis du domaine Communication et collaboration",
    "% de maitrise des acquis du domaine Création de contenu",
    "% de maitrise des acquis du domaine Protection et sécurité",
    "% de maitrise des acquis du domaine Environnement numérique",
]
DOMAINS = ("0,7", "0,9", "NA", "0,5", "1")


def pix_row(
    external_id="",
    last="Dupont",
    first="Jean",
    shared="Oui",
    shared_at="04/03/2024 10:30",
    overall="0,85",
    domains=DOMAINS,
    code="TPEMTP123",
):
    unshared = shared in ("Non", "NA", "N")
    return [
        "Montpellier Méditerranée Métropole",
        "4242",
        code,
        "Diagnostic numérique des TPE",
        "Parcours TPE",
        last,
        first,
        external_id,
        "0,4" if unshared else "1",
        "04/03/2024 10:00",
        shared,
        "NA" if unshared else shared_at,
        "NA" if unshared else "4",
        "NA" if unshared else overall,
        "NA" if unshared else "0,5",
        *(("NA",) * 5 if unshared else domains),
    ]


def pix_file(*rows, headers=HEADERS):
    """An export written as PIX Orga does: `;`, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def demo_file(tmp_path, contacts, name="pix.csv", **kwargs):
    return write_demo_pix_export(tmp_path / name, contacts, **kwargs)


def read_demo(path):
    return prepare_pix(path.read_bytes(), path.name)


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pix", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


# --- Matching by external id -----------------------------------------------------------------


def test_the_demo_export_looks_like_a_pix_orga_export(tmp_path):
    contact = ContactFactory(last_name="=Martin")
    data = demo_file(tmp_path, [contact]).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r" not in data  # BOM, LF as PIX
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"Nom de l\'organisation";"ID Campagne";"Code";')
    # PIX quotes strings, writes numbers bare with a decimal comma, guards formulas.
    assert re.search(
        r';"\'=Martin";"[^"]+";"TPE-[0-9A-F]{8}";1;"\d\d/\d\d/\d{4} \d\d:\d\d";"Oui";', lines[1]
    )
    assert re.search(r";0,\d+;", lines[1]) and re.search(r'^"[^"]+";\d{6};"TPEMTP123";', lines[1])
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=";"))
    assert header[6:9] == ["Prénom du Participant", "Identifiant TPE", "% de progression"]
    assert "Palier obtenu (/5)" in header
    shared, unshared = (
        dict(zip(header, row, strict=True)) for row in csv.reader(lines[1:], delimiter=";")
    )
    assert shared["Identifiant TPE"] == contact.pix_external_id
    assert shared["Partage (O/N)"] == "Oui"
    assert "," in shared["% maitrise de l'ensemble des acquis du profil"]
    datetime.datetime.strptime(shared["Date du partage"], "%d/%m/%Y %H:%M")
    assert unshared["Partage (O/N)"] == "Non" and unshared["Date du partage"] == "NA"
    prepared = read_demo(tmp_path / "pix.csv")
    assert prepared.matched[0].participant == f"{contact.first_name} =Martin"


def test_the_demo_export_is_deterministic(tmp_path):
    contacts = ContactFactory.create_batch(2)
    first = demo_file(tmp_path, contacts, name="a.csv").read_bytes()
    again = demo_file(tmp_path, contacts, name="b.csv").read_bytes()
    other = demo_file(tmp_path, contacts, name="c.csv", seed=7).read_bytes()
    assert first == again and first != other


def test_every_shared_row_is_matched_by_external_id(tmp_path, staff):
    contacts = ContactFactory.create_batch(3)
    prepared = read_demo(demo_file(tmp_path, contacts))
    assert prepared.ok, prepared.messages()
    assert prepared.counts() == {
        "rows": 4,
        "matched": 3,
        "to_confirm": 0,
        "unshared": 1,
        "already": 0,
        "refused": 0,
    }
    assert apply_pix(prepared, user=staff) == (3, 0)
    assert Assessment.objects.count() == 3
    for row in prepared.matched:
        assessment = Assessment.objects.get(contact=row.contact)
        assert assessment.enterprise == row.contact.enterprise
        assert assessment.source == AssessmentSource.PIX
        assert assessment.pix_campaign == "TPEMTP123"
        assert assessment.pix_shared_at == row.shared_at
        assert assessment.overall == row.scores["overall"]
        assert assessment.score_security == row.scores["score_security"]
        assert assessment.created_by == staff
        assert assessment.history.first().history_user == staff


def test_scores_are_read_as_ratios_with_a_decimal_comma_and_na_is_none(staff):
    contact = ContactFactory()
    content = pix_file(pix_row(contact.pix_external_id))
    prepared = prepare_pix(content, "export.csv")
    assert prepared.ok, prepared.messages()
    apply_pix(prepared, user=staff)
    assessment = Assessment.objects.get()
    assert assessment.overall == Decimal("85.0")
    assert assessment.score_information == Decimal("70.0")
    assert assessment.score_communication == Decimal("90.0")
    assert assessment.score_creation is None
    assert assessment.score_security == Decimal("50.0")
    assert assessment.score_environment == Decimal("100.0")


def test_shared_at_is_paris_time_and_the_date_is_the_paris_date(staff):
    contact = ContactFactory()
    prepared = prepare_pix(
        pix_file(pix_row(contact.pix_external_id, shared_at="01/07/2024 00:30")), "export.csv"
    )
    apply_pix(prepared, user=staff)
    assessment = Assessment.objects.get()
    assert assessment.pix_shared_at == datetime.datetime(2024, 7, 1, 0, 30, tzinfo=PARIS)
    assert assessment.pix_shared_at == datetime.datetime(2024, 6, 30, 22, 30, tzinfo=datetime.UTC)
    assert assessment.date == datetime.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0,85", "85.0"),
        ("0.85", "85.0"),
        ("85 %", "85.0"),
        ("85,5%", "85.5"),
        ("85,5 %", "85.5"),
        ("42", "42.0"),
        ("1", "100.0"),
        ("0", "0.0"),
        ("0,8555", "85.6"),
        ("NA", None),
    ],
)
def test_rates_accept_what_pix_writes_and_what_a_person_types(typed, expected):
    assert parse_rate(typed) == (None if expected is None else Decimal(expected))


def test_a_rate_typed_as_a_percent_is_imported(staff):
    contact = ContactFactory()
    prepared = prepare_pix(pix_file(pix_row(contact.pix_external_id, overall="85 %")), "x.csv")
    assert prepared.ok, prepared.messages()
    apply_pix(prepared, user=staff)
    assert Assessment.objects.get().overall == Decimal("85.0")


def test_sharing_accepts_o_and_n():
    contact = ContactFactory()
    content = pix_file(pix_row(contact.pix_external_id, shared="O"), pix_row(shared="N"))
    prepared = prepare_pix(content, "x.csv")
    assert prepared.counts()["matched"] == 1 and prepared.counts()["unshared"] == 1


def test_an_xlsx_export_is_read_too(tmp_path, staff):
    contact = ContactFactory()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    row = pix_row(contact.pix_external_id)
    row[11] = datetime.datetime(2024, 3, 4, 10, 30)  # a real date cell
    row[13] = 0.85  # a real number cell
    sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    prepared = prepare_pix(buffer.getvalue(), "export.xlsx")
    assert prepared.ok, prepared.messages()
    apply_pix(prepared, user=staff)
    assessment = Assessment.objects.get()
    assert assessment.overall == Decimal("85.0")
    assert assessment.pix_shared_at == datetime.datetime(2024, 3, 4, 10, 30, tzinfo=PARIS)


# --- Kinds and the parcours --------------------------------------------------------------------


def test_first_campaign_is_initial_second_is_final_and_the_enterprise_is_diagnosed(tmp_path, staff):
    enterprise = EnterpriseFactory(stage=Stage.REPEREE)
    contact = ContactFactory(enterprise=enterprise)
    first = demo_file(tmp_path, [contact], name="initial.csv", campaign_code="TPEMTP123")
    apply_pix(read_demo(first), user=staff)
    assessment = Assessment.objects.get()
    assert assessment.kind == AssessmentKind.INITIAL
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.DIAGNOSTIQUEE
    change = StageChange.objects.get(enterprise=enterprise)
    assert (change.from_stage, change.to_stage) == (Stage.REPEREE, Stage.DIAGNOSTIQUEE)
    assert change.by == staff and change.note == "diagnostic PIX"

    second = demo_file(
        tmp_path,
        [contact],
        name="final.csv",
        campaign_code="TPEMTP456",
        seed=2023,
        start=datetime.datetime(2024, 9, 2, 9, 0),
    )
    assert apply_pix(read_demo(second), user=staff) == (1, 0)
    kinds = sorted(Assessment.objects.values_list("pix_campaign", "kind"))
    assert kinds == [("TPEMTP123", AssessmentKind.INITIAL), ("TPEMTP456", AssessmentKind.FINAL)]
    assert StageChange.objects.filter(enterprise=enterprise).count() == 1


def test_two_campaigns_in_one_file_follow_file_order(staff):
    contact = ContactFactory()
    content = pix_file(
        pix_row(contact.pix_external_id, code="AAA111", shared_at="01/03/2024 10:00"),
        pix_row(contact.pix_external_id, code="BBB222", shared_at="01/09/2024 10:00"),
    )
    prepared = prepare_pix(content, "x.csv")
    assert prepared.ok, prepared.messages()
    assert apply_pix(prepared, user=staff) == (2, 0)
    assert Assessment.objects.get(pix_campaign="AAA111").kind == AssessmentKind.INITIAL
    assert Assessment.objects.get(pix_campaign="BBB222").kind == AssessmentKind.FINAL


def test_an_existing_assessment_of_any_source_makes_the_pix_one_final(staff):
    contact = ContactFactory()
    Assessment.objects.create(
        enterprise=contact.enterprise,
        contact=contact,
        kind=AssessmentKind.INITIAL,
        source=AssessmentSource.CONSEILLER,
        date=datetime.date(2024, 1, 10),
        overall=Decimal("30.0"),
    )
    apply_pix(prepare_pix(pix_file(pix_row(contact.pix_external_id)), "x.csv"), user=staff)
    assert Assessment.objects.get(source=AssessmentSource.PIX).kind == AssessmentKind.FINAL


def test_an_enterprise_further_along_does_not_move(staff):
    enterprise = EnterpriseFactory(stage=Stage.ACCOMPAGNEE)
    contact = ContactFactory(enterprise=enterprise)
    apply_pix(prepare_pix(pix_file(pix_row(contact.pix_external_id)), "x.csv"), user=staff)
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.ACCOMPAGNEE
    assert not StageChange.objects.filter(enterprise=enterprise).exists()


def test_two_contacts_of_one_enterprise_move_it_once(staff):
    enterprise = EnterpriseFactory(stage=Stage.REPEREE)
    one, two = ContactFactory.create_batch(2, enterprise=enterprise)
    content = pix_file(pix_row(one.pix_external_id), pix_row(two.pix_external_id))
    assert apply_pix(prepare_pix(content, "x.csv"), user=staff) == (2, 0)
    assert set(Assessment.objects.values_list("kind", flat=True)) == {AssessmentKind.INITIAL}
    assert StageChange.objects.filter(to_stage=Stage.DIAGNOSTIQUEE).count() == 1


# --- Unshared and already imported -------------------------------------------------------------


def test_unshared_rows_are_counted_not_stored(staff):
    prepared = prepare_pix(pix_file(pix_row(shared="Non"), pix_row(shared="NA")), "x.csv")
    assert prepared.ok
    assert prepared.counts()["unshared"] == 2 and prepared.counts()["matched"] == 0
    assert apply_pix(prepared, user=staff) == (0, 0)
    assert not Assessment.objects.exists() and not PixProposal.objects.exists()


def test_a_second_import_of_the_same_file_creates_nothing(tmp_path, staff):
    contacts = ContactFactory.create_batch(3)
    path = demo_file(tmp_path, contacts)
    apply_pix(read_demo(path), user=staff)
    again = read_demo(path)
    assert again.ok
    assert again.counts()["already"] == 3 and again.counts()["matched"] == 0
    assert apply_pix(again, user=staff) == (0, 0)
    assert Assessment.objects.count() == 3


# --- Proposals by name -------------------------------------------------------------------------


def test_a_name_without_known_id_is_proposed_ignoring_case_and_accents(staff):
    contact = ContactFactory(first_name="Éloïse", last_name="Dupré-Martin")
    row = pix_row("TPE-INCONNU", first="ELOISE", last="  dupre  martin ")
    prepared = prepare_pix(pix_file(row), "x.csv")
    assert prepared.ok, prepared.messages()
    assert prepared.counts()["to_confirm"] == 1
    assert apply_pix(prepared, user=staff) == (0, 1)
    assert not Assessment.objects.exists()
    proposal = PixProposal.objects.get()
    assert proposal.contact == contact
    assert proposal.participant_name == "ELOISE dupre martin"
    assert proposal.external_id == "TPE-INCONNU" and proposal.campaign == "TPEMTP123"
    assert proposal.shared_at == datetime.datetime(2024, 3, 4, 10, 30, tzinfo=PARIS)
    assert proposal.scores == {
        "overall": "85.0",
        "score_information": "70.0",
        "score_communication": "90.0",
        "score_creation": None,
        "score_security": "50.0",
        "score_environment": "100.0",
    }
    assert proposal.decided_at is None and proposal.accepted is None
    again = prepare_pix(pix_file(row), "x.csv")
    assert again.counts()["already"] == 1 and again.counts()["to_confirm"] == 0


def test_an_accepted_proposal_becomes_an_initial_assessment(staff):
    enterprise = EnterpriseFactory(stage=Stage.REPEREE)
    ContactFactory(enterprise=enterprise, first_name="Karim", last_name="Benzaid")
    apply_pix(prepare_pix(pix_file(pix_row(first="karim", last="BENZAÏD")), "x.csv"), staff)
    proposal = PixProposal.objects.get()
    assessment = confirm_proposal(proposal, staff, accept=True)
    assert assessment == Assessment.objects.get()
    assert assessment.kind == AssessmentKind.INITIAL and assessment.overall == Decimal("85.0")
    assert assessment.score_creation is None and assessment.score_information == Decimal("70.0")
    assert assessment.pix_campaign == "TPEMTP123" and assessment.date == datetime.date(2024, 3, 4)
    assert assessment.created_by == staff
    proposal.refresh_from_db()
    assert proposal.accepted is True and proposal.decided_at is not None
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.DIAGNOSTIQUEE
    assert StageChange.objects.get(enterprise=enterprise).note == "diagnostic PIX"
    with pytest.raises(ValueError, match="déjà été confirmé"):
        confirm_proposal(proposal, staff, accept=False)
    # Re-importing the file now finds the result already there.
    again = prepare_pix(pix_file(pix_row(first="karim", last="BENZAÏD")), "x.csv")
    assert again.counts()["already"] == 1


def test_a_rejected_proposal_creates_nothing(staff):
    enterprise = EnterpriseFactory(stage=Stage.REPEREE)
    ContactFactory(enterprise=enterprise, first_name="Karim", last_name="Benzaid")
    apply_pix(prepare_pix(pix_file(pix_row(first="Karim", last="Benzaid")), "x.csv"), staff)
    proposal = PixProposal.objects.get()
    assert confirm_proposal(proposal, staff, accept=False) is None
    proposal.refresh_from_db()
    assert proposal.accepted is False and proposal.decided_at is not None
    assert not Assessment.objects.exists()
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.REPEREE
    with pytest.raises(ValueError, match="déjà été écarté"):
        confirm_proposal(proposal, staff, accept=True)
    assert not Assessment.objects.exists()


def test_an_ambiguous_name_is_refused():
    ContactFactory(first_name="Jean", last_name="Dupont")
    ContactFactory(first_name="Jean", last_name="DUPONT")
    prepared = prepare_pix(pix_file(pix_row("TPE-X")), "x.csv")
    assert not prepared.ok and prepared.counts()["refused"] == 1
    assert prepared.messages() == [
        "Ligne 2, colonne « Nom du Participant » : plusieurs contacts portent ce nom"
    ]


def test_an_unknown_id_without_a_matching_name_is_refused_with_the_reason():
    ContactFactory(first_name="Paul", last_name="Martin")
    prepared = prepare_pix(
        pix_file(pix_row(shared="Non"), pix_row(shared="Non"), pix_row("TPE-0000")), "x.csv"
    )
    assert not prepared.ok
    assert prepared.messages() == [
        "Ligne 4, colonne « Identifiant TPE » : participant inconnu : "
        "identifiant externe « TPE-0000 » sans contact"
    ]


def test_an_anonymised_contact_is_never_proposed():
    ContactFactory(
        first_name="Jean",
        last_name="Dupont",
        anonymised_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    prepared = prepare_pix(pix_file(pix_row("TPE-X")), "x.csv")
    assert prepared.counts()["to_confirm"] == 0 and prepared.counts()["refused"] == 1
    assert "participant inconnu" in prepared.messages()[0]


def test_an_external_id_of_an_anonymised_contact_is_refused():
    contact = ContactFactory(anonymised_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    prepared = prepare_pix(pix_file(pix_row(contact.pix_external_id)), "x.csv")
    assert not prepared.ok and "anonymisé" in prepared.messages()[0]


# --- Refused files and rows --------------------------------------------------------------------


def test_a_profile_collection_export_is_refused():
    headers = [
        "Nom de l'organisation",
        "ID Campagne",
        "Code",
        "Nom de la campagne",
        "Nom du Participant",
        "Prénom du Participant",
        "Identifiant TPE",
        "Partage (O/N)",
        "Date du partage",
        "Nombre de pix total",
        "Certifiable (O/N)",
    ]
    row = ["Métropole", "1", "COLL123", "Profils", "Dupont", "Jean", "TPE-1", "Oui", "", "120"]
    prepared = prepare_pix(pix_file([*row, "Non"], headers=headers), "profils.csv")
    assert not prepared.ok
    [message] = prepared.messages()
    assert "une campagne de collecte de profils, pas une campagne d'évaluation" in message


def test_missing_columns_are_named():
    # « Code » may be missing (exports before 2023) but not together with « ID Campagne ».
    headers = [h for h in HEADERS if h not in ("ID Campagne", "Code", "Date du partage")]
    row = pix_row()
    del row[11], row[2], row[1]
    prepared = prepare_pix(pix_file(row, headers=headers), "x.csv")
    assert not prepared.ok and not prepared.rows
    assert prepared.messages() == [
        "Colonne(s) obligatoire(s) absente(s) : « Date du partage », « Code »."
    ]


def test_headers_match_without_case_or_accents(staff):
    contact = ContactFactory()
    headers = [h.upper() for h in HEADERS]
    headers[13] = "% MAÎTRISE DE L'ENSEMBLE DES ACQUIS DU PROFIL"
    prepared = prepare_pix(pix_file(pix_row(contact.pix_external_id), headers=headers), "x.csv")
    assert prepared.ok, prepared.messages()
    assert prepared.matched[0].scores["score_environment"] == Decimal("100.0")


def test_a_campaign_without_external_id_column_is_refused():
    headers = [h for h in HEADERS if h != "Identifiant TPE"]
    row = pix_row()
    del row[7]
    prepared = prepare_pix(pix_file(row, headers=headers), "x.csv")
    assert not prepared.ok
    assert "identifiant externe « Identifiant TPE » absente" in prepared.messages()[0]
    assert "« Prénom du Participant »" in prepared.messages()[0]


def test_a_missing_domain_column_gives_a_warning_and_no_score(staff):
    contact = ContactFactory()
    headers = HEADERS[:-1]
    row = pix_row(contact.pix_external_id)[:-1]
    prepared = prepare_pix(pix_file(row, headers=headers), "x.csv")
    assert prepared.ok
    assert len(prepared.warnings) == 1 and "Environnement numérique" in prepared.warnings[0]
    apply_pix(prepared, user=staff)
    assert Assessment.objects.get().score_environment is None


def test_a_bad_date_is_refused_with_line_and_column():
    contacts = ContactFactory.create_batch(3)
    content = pix_file(
        pix_row(contacts[0].pix_external_id),
        pix_row(contacts[1].pix_external_id),
        pix_row(contacts[2].pix_external_id, shared_at="32/13/2024 10:00"),
    )
    prepared = prepare_pix(content, "x.csv")
    assert not prepared.ok
    [message] = prepared.messages()
    assert message.startswith(
        "Ligne 4, colonne « Date du partage » : date illisible (32/13/2024 10:00)"
    )


@pytest.mark.parametrize(
    ("column", "overall", "domains", "reason"),
    [
        (13, "120 %", DOMAINS, "taux hors limites (120 %)"),
        (13, "-0,1", DOMAINS, "taux hors limites (-0,1)"),
        (13, "beaucoup", DOMAINS, "taux illisible (beaucoup)"),
        (13, "NA", DOMAINS, "maîtrise globale manquante"),
        (17, "0,85", ("0,7", "0,9", "101", "0,5", "1"), "taux hors limites (101)"),
    ],
)
def test_a_bad_rate_is_refused_with_line_and_column(column, overall, domains, reason):
    contact = ContactFactory()
    content = pix_file(pix_row(contact.pix_external_id, overall=overall, domains=domains))
    prepared = prepare_pix(content, "x.csv")
    assert not prepared.ok
    [message] = prepared.messages()
    assert message.startswith(f"Ligne 2, colonne « {HEADERS[column]} » : {reason}")


def test_a_missing_shared_date_and_a_future_date_are_refused():
    one, two = ContactFactory.create_batch(2)
    content = pix_file(
        pix_row(one.pix_external_id, shared_at="NA"),
        pix_row(two.pix_external_id, shared_at="01/01/2999 10:00"),
    )
    messages = prepare_pix(content, "x.csv").messages()
    assert messages == [
        "Ligne 2, colonne « Date du partage » : date du partage manquante pour une "
        "participation partagée",
        "Ligne 3, colonne « Date du partage » : date dans le futur (01/01/2999 10:00)",
    ]


def test_a_row_twice_in_the_file_is_refused():
    contact = ContactFactory()
    content = pix_file(pix_row(contact.pix_external_id), pix_row(contact.pix_external_id))
    prepared = prepare_pix(content, "x.csv")
    assert prepared.messages() == [
        "Ligne 3, colonne « Identifiant TPE » : doublon dans le fichier (déjà ligne 2)"
    ]


def test_an_unreadable_sharing_value_is_refused():
    prepared = prepare_pix(pix_file(pix_row(shared="Peut-être")), "x.csv")
    assert prepared.messages() == [
        "Ligne 2, colonne « Partage (O/N) » : valeur non reconnue (Peut-être) : "
        "« Oui » ou « Non » attendu"
    ]


def test_one_bad_row_and_nothing_is_written(staff):
    good, bad = ContactFactory.create_batch(2)
    content = pix_file(
        pix_row(good.pix_external_id),
        pix_row(first="Inconnu", last="Personne"),
        pix_row(bad.pix_external_id, overall="2,5 %", shared_at="32/01/2024 10:00"),
    )
    prepared = prepare_pix(content, "x.csv")
    assert not prepared.ok and prepared.counts()["matched"] == 1
    assert prepared.counts()["refused"] == 2 and len(prepared.messages()) == 2
    with pytest.raises(ValueError, match="corrigez le fichier"):
        apply_pix(prepared, user=staff)
    assert not Assessment.objects.exists() and not PixProposal.objects.exists()


def test_a_failure_while_writing_rolls_everything_back(staff):
    one, two = ContactFactory.create_batch(2)
    content = pix_file(pix_row(one.pix_external_id), pix_row(two.pix_external_id))
    prepared = prepare_pix(content, "x.csv")
    assert prepared.ok
    # Another import wrote the second result in between: the unique constraint trips.
    apply_pix(prepare_pix(pix_file(pix_row(two.pix_external_id)), "x.csv"), user=staff)
    with pytest.raises(ValueError, match="relancez l'import"):
        apply_pix(prepared, user=staff)
    assert list(Assessment.objects.values_list("contact", flat=True)) == [two.pk]


def test_a_file_that_is_not_a_table_is_refused():
    prepared = prepare_pix(b"%PDF-1.4", "resultats.pdf")
    assert not prepared.ok and "Format de fichier non pris en charge" in prepared.messages()[0]


# --- The command -------------------------------------------------------------------------------


def test_the_command_imports_and_prints_the_counts(tmp_path, staff):
    contacts = ContactFactory.create_batch(2)
    ContactFactory(first_name="Inès", last_name="Garcia")
    path = tmp_path / "pix.csv"
    rows = [pix_row(c.pix_external_id) for c in contacts]
    rows += [pix_row(first="Ines", last="GARCIA"), pix_row(shared="Non")]
    path.write_bytes(pix_file(*rows))
    out = run_command(path, "--user", staff.email)
    for line in (
        "Lignes : 4",
        "Rapprochées : 2",
        "À confirmer par l'équipe : 1",
        "Non partagées : 1",
        "Déjà importées : 0",
        "Refusées : 0",
    ):
        assert line in out.splitlines()
    assert "2 diagnostic(s) créé(s), 1 rapprochement(s)" in out
    assert Assessment.objects.filter(created_by=staff).count() == 2
    assert PixProposal.objects.count() == 1
    again = run_command(path)
    assert "Déjà importées : 3" in again and "0 diagnostic(s) créé(s)" in again
    assert Assessment.objects.count() == 2


def test_the_command_dry_run_writes_nothing(tmp_path):
    path = demo_file(tmp_path, ContactFactory.create_batch(2))
    out = run_command(path, "--dry-run")
    assert "Rapprochées : 2" in out and "Non partagées : 1" in out and "rien n'a été écrit" in out
    assert not Assessment.objects.exists() and not StageChange.objects.exists()


def test_the_command_fails_and_writes_nothing_when_a_row_is_refused(tmp_path):
    contact = ContactFactory()
    path = tmp_path / "pix.csv"
    path.write_bytes(pix_file(pix_row(contact.pix_external_id), pix_row("TPE-0000")))
    out = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_pix", str(path), stdout=out)
    printed = out.getvalue().splitlines()
    assert "Refusées : 1" in printed
    refused_at = printed.index("Refusées : 1")
    assert "identifiant externe « TPE-0000 » sans contact" in printed[refused_at + 1]
    assert not Assessment.objects.exists()


def test_the_command_fails_on_an_unusable_file(tmp_path):
    path = tmp_path / "profils.csv"
    path.write_bytes(
        pix_file(["Métropole", "Dupont", "Oui"], headers=["Org", "Nom", "Partage (O/N)"])
    )
    with pytest.raises(CommandError, match="collecte de profils"):
        call_command("import_pix", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_pix", str(tmp_path / "absent.csv"), stdout=io.StringIO())


def test_the_command_exit_status_is_non_zero_on_refusal(tmp_path):
    path = tmp_path / "pix.csv"
    path.write_bytes(pix_file(pix_row("TPE-0000")))
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_pix", str(path)]).execute()
    assert exit_info.value.code != 0
