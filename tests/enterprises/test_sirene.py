import csv
import io

import pytest
from django.core.management import CommandError, call_command

from demo.sirene import SIRENE_HEADER, sirene_row, write_sirene_extract
from enterprises.enums import QpvSource, Source, Stage
from enterprises.imports.sirene import import_sirene
from enterprises.models import Enterprise

from ..factories import EnterpriseFactory, valid_siret

pytestmark = pytest.mark.django_db

MOSSON = (43.6321, 3.8200)
COMEDIE = (43.6086, 3.8797)


def extract(tmp_path, rows):
    path = tmp_path / "StockEtablissement_extrait.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SIRENE_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_keeps_active_small_establishments_in_a_qpv(tmp_path, reference_data):
    path = extract(
        tmp_path,
        [
            sirene_row(valid_siret(1), *MOSSON, trade="BOULANGERIE DU MAIL", naf="10.71C"),
            sirene_row(valid_siret(2), *MOSSON, state="F"),
            sirene_row(valid_siret(3), *MOSSON, band="11"),
            sirene_row(valid_siret(4), *COMEDIE),
            sirene_row(valid_siret(5), None, None),
            sirene_row(valid_siret(6), *MOSSON, diffusion="P"),
            sirene_row("73282932000079", *MOSSON),
            sirene_row(valid_siret(8), *MOSSON, band=""),
        ],
    )
    out = io.StringIO()
    call_command("import_sirene", str(path), stdout=out)
    report = out.getvalue()
    for expected in (
        "Lignes lues : 8",
        "Retenues (actives, moins de 10 salariés, dans un QPV) : 2",
        "Créées : 2",
        "Écartées — établissement fermé : 1",
        "Écartées — 10 salariés ou plus : 1",
        "Écartées — hors QPV : 1",
        "Écartées — sans coordonnées : 1",
        "Écartées — diffusion partielle : adresse non publiée, QPV impossible à établir : 1",
        "Écartées — SIRET invalide : 1",
    ):
        assert expected in report, report
    enterprise = Enterprise.objects.get(siret=valid_siret(1))
    assert enterprise.stage == Stage.REPEREE and enterprise.source == Source.SIRENE
    assert enterprise.qpv.code == "QP034005" and enterprise.qpv_source == QpvSource.POINT
    assert enterprise.trade_name == "BOULANGERIE DU MAIL" and enterprise.naf.code == "10.71C"
    assert enterprise.address == "12 rue de la Mosson" and enterprise.commune == "Montpellier"
    assert (
        abs(enterprise.latitude - MOSSON[0]) < 1e-5 and abs(enterprise.longitude - MOSSON[1]) < 1e-5
    )
    assert enterprise.stage_changes.get().note == "repérage SIRENE"
    assert not Enterprise.objects.filter(siret=valid_siret(6)).exists()


def test_never_downgrades_an_enterprise_further_along(tmp_path, reference_data):
    EnterpriseFactory(siret=valid_siret(1), name="CONNUE", stage=Stage.ACCOMPAGNEE)
    path = extract(tmp_path, [sirene_row(valid_siret(1), *MOSSON, band="02")])
    report = import_sirene(path)
    assert (report.created, report.updated) == (0, 1)
    enterprise = Enterprise.objects.get()
    assert enterprise.stage == Stage.ACCOMPAGNEE and enterprise.name == "CONNUE"
    assert enterprise.headcount_band == "02" and enterprise.qpv.code == "QP034005"
    latest = enterprise.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.headcount_band == "02"
    assert enterprise.stage_changes.count() == 0  # only new enterprises get a first stage


def test_new_enterprises_get_their_history_and_first_stage(tmp_path, reference_data, alice):
    path = extract(
        tmp_path, [sirene_row(valid_siret(1), *MOSSON), sirene_row(valid_siret(2), *MOSSON)]
    )
    import_sirene(path, user=alice)
    for enterprise in Enterprise.objects.all():
        [record] = enterprise.history.all()
        assert (record.history_type, record.history_user, record.siret) == (
            "+",
            alice,
            enterprise.siret,
        )
        [change] = enterprise.stage_changes.all()
        assert (change.to_stage, change.from_stage, change.note) == (
            Stage.REPEREE,
            "",
            "repérage SIRENE",
        )


def test_dry_run_counts_without_writing(tmp_path, reference_data):
    path = extract(tmp_path, [sirene_row(valid_siret(1), *MOSSON)])
    report = import_sirene(path, dry_run=True)
    assert report.created == 1 and not Enterprise.objects.exists()


def test_a_file_with_missing_columns_is_refused(tmp_path, reference_data):
    path = tmp_path / "autre.csv"
    path.write_text("siret,denominationUniteLegale\n73282932000074,X\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match="colonne\\(s\\) absente\\(s\\) : statutDiffusionEtablissement"
    ):
        call_command("import_sirene", str(path), stdout=io.StringIO())
    assert not Enterprise.objects.exists()


def test_a_synthetic_extract_keeps_the_expected_share(tmp_path, reference_data):
    path = tmp_path / "synthetique.csv"
    write_sirene_extract(path, 600)
    report = import_sirene(path)
    assert report.read == 600
    # Rows 0 and 1 of every 6 are placed in a QPV, active and small.
    assert report.kept >= 200 and report.created == report.kept
    assert Enterprise.objects.filter(qpv__isnull=True).count() == 0


def test_a_departemental_extract_keeps_few_rows(tmp_path, reference_data):
    path = tmp_path / "departement.csv"
    write_sirene_extract(path, 400, composition="departement")
    report = import_sirene(path)
    assert report.read == 400 and report.kept == report.created
    # 2 % placed in a QPV; a few of the 35 % spread over the département may fall in one.
    assert 8 <= report.kept <= 16
    assert report.skipped["closed"] == 232 and report.skipped["too_big"] == 12
    assert report.skipped["partial"] == 8
