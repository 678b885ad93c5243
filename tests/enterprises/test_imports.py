import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from enterprises.enums import QpvSource, Source, Stage
from enterprises.imports.tables import prepare_import
from enterprises.models import Enterprise, StageChange

from ..factories import EnterpriseFactory, text, valid_siret

pytestmark = pytest.mark.django_db

HEADER = "SIRET;Raison sociale;Code NAF;Adresse;Code postal;Commune;Latitude;Longitude;Effectif"


def line(n, name="ENTREPRISE", naf="47.11B", lat="43,6321", lon="3,8200", headcount="2", **kw):
    siret = kw.get("siret", valid_siret(n))
    return (
        f"{siret};{name} {n};{naf};{n} rue de la Mosson;34080;Montpellier;{lat};{lon};{headcount}"
    )


def csv_file(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def test_a_good_file_creates_everything_in_the_right_qpv(reference_data, alice):
    prepared = prepare_import(csv_file(line(1), line(2, lat="43,6086", lon="3,8797")), "tpe.csv")
    assert prepared.ok and prepared.count("create") == 2
    from enterprises.imports.tables import apply_import

    assert apply_import(prepared, user=alice) == (2, 0)
    first = Enterprise.objects.get(siret=valid_siret(1))
    assert first.qpv.code == "QP034005" and first.qpv_source == QpvSource.POINT
    assert first.source == Source.IMPORT and first.stage == Stage.REPEREE
    assert first.headcount == 2 and first.headcount_band == "01" and first.tpe_status == "tpe"
    assert Enterprise.objects.get(siret=valid_siret(2)).qpv is None  # hors QPV, not refused
    assert StageChange.objects.filter(to_stage=Stage.REPEREE).count() == 2
    assert first.history.first().history_user == alice


@pytest.mark.parametrize(
    ("bad_line", "column", "reason"),
    [
        (line(3, siret="73282932000079"), "SIRET", "la clé de contrôle ne correspond pas"),
        (line(3, naf="99.99Z"), "Code NAF", "code NAF inconnu"),
        (line(3, headcount="-2"), "Effectif", "effectif négatif"),
        (line(3, name='=HYPERLINK("http://x")'), "Raison sociale", "formule"),
        (line(3, lat="95"), "Latitude", "hors limites"),
        (line(3, siret=""), "SIRET", "valeur obligatoire manquante"),
    ],
)
def test_one_bad_row_refuses_the_whole_file_and_says_why(reference_data, bad_line, column, reason):
    content = csv_file(line(1), line(2), bad_line)
    prepared = prepare_import(content, "tpe.csv")
    assert not prepared.ok
    [message] = prepared.messages()
    assert message.startswith(f"Ligne 4, colonne « {column} » : ") and reason in message
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command(
            "import_enterprises", _write(content), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert not Enterprise.objects.exists()


def _write(content, suffix=".csv"):
    import os
    import tempfile

    descriptor, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return name


def test_dates_duplicates_and_unknown_columns(reference_data):
    header = HEADER + ";Date de création;Couleur préférée"
    content = csv_file(line(1) + ";31/02/2021;bleu", line(1) + ";01/02/2021;vert", header=header)
    prepared = prepare_import(content, "tpe.csv")
    assert prepared.warnings == ["Colonne « Couleur préférée » inconnue : elle est ignorée."]
    assert prepared.messages() == [
        "Ligne 2, colonne « Date de création » : date impossible (31/02/2021)",
        "Ligne 3, colonne « SIRET » : doublon dans le fichier (déjà ligne 2)",
    ]


def test_headers_in_any_order_case_or_accents_and_spaced_siret(reference_data):
    content = (
        "  commune ;RAISON SOCIALE;siret;code naf\n"
        "Montpellier;BOULANGERIE;732 829 320.00074;1071c\n"
    ).encode("cp1252")
    prepared = prepare_import(content, "tpe.csv")
    assert prepared.ok, prepared.messages()
    row = prepared.rows[0]
    assert row.values["siret"] == "73282932000074" and row.values["naf"].code == "10.71C"


def test_a_leading_zero_lost_by_a_spreadsheet_is_restored(reference_data):
    from stdnum import luhn

    siren = "0" + "3482931"
    siren += luhn.calc_check_digit(siren)
    siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["SIRET", "Raison sociale"])
    sheet.append([int(siret), "ZÉRO DEVANT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    prepared = prepare_import(buffer.getvalue(), "tpe.xlsx")
    assert prepared.ok and prepared.rows[0].siret == siret


def test_a_known_siret_updates_and_the_preview_says_what_changes(reference_data):
    EnterpriseFactory(siret=valid_siret(1), name="ANCIEN NOM", stage=Stage.ACCOMPAGNEE)
    prepared = prepare_import(csv_file(line(1, name="NOUVEAU NOM")), "tpe.csv")
    [row] = prepared.rows
    assert row.action == "update"
    assert ("raison sociale", "ANCIEN NOM", "NOUVEAU NOM 1") in row.changes
    out = io.StringIO()
    call_command("import_enterprises", _write(csv_file(line(1, name="NOUVEAU NOM"))), stdout=out)
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "NOUVEAU NOM 1" and enterprise.stage == Stage.ACCOMPAGNEE
    assert "raison sociale : ANCIEN NOM → NOUVEAU NOM 1" in out.getvalue()
    assert "1 mise(s) à jour" in out.getvalue()


def test_dry_run_writes_nothing(reference_data):
    out = io.StringIO()
    call_command("import_enterprises", _write(csv_file(line(1))), "--dry-run", stdout=out)
    assert "rien n'a été écrit" in out.getvalue() and not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (HEADER.encode(), "entete.csv", "aucune ligne de données"),
        (b"x", "tpe.pdf", "Format de fichier non pris en charge"),
        (
            b"Commune;Adresse\nMontpellier;x\n",
            "tpe.csv",
            "Colonne(s) obligatoire(s) absente(s) : « SIRET », « Raison sociale ».",
        ),
    ],
)
def test_unusable_files_are_refused_in_french(reference_data, content, name, message):
    prepared = prepare_import(content, name)
    assert not prepared.ok and message in " ".join(prepared.messages())


def test_a_300_row_file_with_bad_rows_then_fixed(reference_data, client, staff):
    rows = [line(n) for n in range(1, 301)]
    rows[41] = line(42, naf="00.00A")
    rows[199] = line(200, headcount="beaucoup")
    client.force_login(staff)
    url = reverse("admin:enterprises_import")
    preview = client.post(url, {"file": _upload(csv_file(*rows))})
    page = text(preview)
    assert "Ligne 43, colonne « Code NAF » : code NAF inconnu (00.00A)" in page
    assert "Ligne 201, colonne « Effectif » : nombre attendu" in page
    assert "Importer" not in page.split("Déposer")[0] or "corrigez" in page
    assert not Enterprise.objects.exists()
    rows[41], rows[199] = line(42), line(200)
    preview = client.post(url, {"file": _upload(csv_file(*rows))})
    assert "300</strong> à créer" in text(preview)
    token = preview.context["token"]
    done = client.post(url, {"confirm": "1", "token": token}, follow=True)
    assert "Import terminé : 300 entreprise(s) créée(s)" in text(done)
    assert Enterprise.objects.count() == 300
    assert Enterprise.objects.filter(qpv__code="QP034005").count() == 300
    assert "enterprise_import" not in client.session  # the file is not kept
    again = client.post(url, {"confirm": "1", "token": token}, follow=True)
    assert "Aperçu expiré" in text(again)


def _upload(content, name="tpe.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_template_downloads_with_every_documented_header(client, staff):
    client.force_login(staff)
    content = client.get(reverse("admin:enterprises_import_template", args=["csv"])).content
    header = content.decode("utf-8-sig").splitlines()[0]
    for column in (
        "SIRET",
        "Raison sociale",
        "Code NAF",
        "Adresse",
        "Code postal",
        "Commune",
        "Latitude",
        "Longitude",
        "Effectif",
    ):
        assert column in header.split(";")


def test_bulk_history_rows_are_the_rows_simple_history_would_write(reference_data, alice):
    """enterprises.imports.bulk copies the written rows into the history table in SQL: the result
    must be what saving each enterprise would have recorded, then a « ~ » on update."""
    from enterprises.imports.tables import apply_import

    apply_import(prepare_import(csv_file(line(1), line(2)), "tpe.csv"), user=alice)
    enterprise = Enterprise.objects.get(siret=valid_siret(1))
    [record] = enterprise.history.all()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        alice,
        None,
    )
    tracked = [f.attname for f in Enterprise.history.model.tracked_fields]
    assert {n: getattr(record, n) for n in tracked} == {n: getattr(enterprise, n) for n in tracked}
    apply_import(prepare_import(csv_file(line(1, name="Renommée")), "tpe.csv"), user=alice)
    latest = enterprise.history.order_by("-history_id").first()
    assert (latest.history_type, latest.name, latest.history_user) == ("~", "Renommée 1", alice)
    assert enterprise.history.count() == 2
    assert Enterprise.history.filter(siret=valid_siret(2)).count() == 1
