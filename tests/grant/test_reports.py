import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enterprises.models import Enterprise
from grant.enums import FinancialEventKind, ReportStatus
from grant.indicators import assessment_figures, enterprise_figures, programme_figures
from grant.models import FinancialEvent, Report
from grant.tasks import generate_report

from ..factories import (
    ActivityFactory,
    AssessmentFactory,
    BudgetLineFactory,
    ContactFactory,
    ConventionFactory,
    DisbursementFactory,
    EnterpriseFactory,
    ExpenseFactory,
    text,
)

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2023, 1, 10)


@pytest.fixture
def convention(reference_data):
    convention = ConventionFactory(max_amount=Decimal("40000.00"), signed_on=SIGNED)
    line = BudgetLineFactory(
        convention=convention,
        label="Axents",
        planned_cost=Decimal("20000"),
        planned_grant=Decimal("14000"),
    )
    ExpenseFactory(
        line=line,
        date=datetime.date(2023, 3, 1),
        amount=Decimal("5000"),
        grant_amount=Decimal("3500"),
        status="payee",
    )
    DisbursementFactory(
        convention=convention, date=datetime.date(2023, 2, 1), amount=Decimal("12000")
    )
    return convention


def form(convention, **data):
    return {"kind": "annuel", "start": "2023-01-10", "end": "2023-12-31"} | data


def test_enterprise_and_assessment_figures_from_a_hand_built_fixture():
    a = EnterpriseFactory(stage="accompagnee")
    b = EnterpriseFactory(stage="sortie", exit_reason="cessation")
    c = EnterpriseFactory(stage="reperee")
    # b and c have no recorded stage change: counted from their record's creation.
    Enterprise.objects.filter(pk__in=[b.pk, c.pk]).update(
        created_at=timezone.make_aware(datetime.datetime(2023, 1, 20))
    )
    contact_a, contact_c = ContactFactory(enterprise=a), ContactFactory(enterprise=c)
    a.stage_changes.create(
        to_stage="reperee", at=timezone.make_aware(datetime.datetime(2023, 2, 1))
    )
    a.stage_changes.create(
        from_stage="reperee",
        to_stage="accompagnee",
        at=timezone.make_aware(datetime.datetime(2023, 2, 11)),
    )
    AssessmentFactory(
        enterprise=a,
        contact=contact_a,
        kind="initial",
        overall=Decimal("30"),
        date=datetime.date(2023, 2, 2),
    )
    AssessmentFactory(
        enterprise=a,
        contact=contact_a,
        kind="final",
        overall=Decimal("55"),
        date=datetime.date(2023, 6, 2),
    )
    AssessmentFactory(
        enterprise=c,
        contact=contact_c,
        kind="initial",
        overall=Decimal("20"),
        date=datetime.date(2023, 2, 3),
    )
    everything = Enterprise.objects.filter(pk__in=[a.pk, b.pk, c.pk])
    figures = enterprise_figures(everything, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    assert figures["total"] == 3
    assert dict(figures["by_stage"]) == {
        "repérée": 1,
        "diagnostiquée": 0,
        "accompagnée": 1,
        "autonome": 0,
        "sortie": 1,
    }
    assert figures["exits"] == [("cessation d'activité", 1)]
    assert dict(figures["funnel"])["accompagnée"] == 1 and dict(figures["median_days_in"])[
        "repérée"
    ] == Decimal("10.0")
    diagnostics = assessment_figures(
        everything, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    )
    assert (diagnostics["count"], diagnostics["with_both"], diagnostics["mean_progress"]) == (
        3,
        1,
        Decimal("25.0"),
    )
    assert diagnostics["by_domain"][0] == ("Maîtrise globale", Decimal("25.0"), Decimal("55.0"))


def test_programme_figures_run_a_bounded_number_of_queries(
    convention, django_assert_max_num_queries
):
    EnterpriseFactory.create_batch(30)
    # 25 before the pair à pair figures (3 queries) and the entrepreneurs' voice (3).
    with django_assert_max_num_queries(31):
        programme_figures(SIGNED, datetime.date(2023, 12, 31), convention)


def test_staff_generate_a_report_whose_pdf_and_xlsx_agree_with_the_indicators(
    client, staff, alice, convention, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(stage="accompagnee")
    activity = ActivityFactory(date=datetime.date(2023, 5, 2), duration=90)
    activity.participations.create(enterprise=enterprise)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grant:report_create", args=[convention.pk]),
            form(convention, context="Un contexte clair."),
        )
    report = Report.objects.get()
    assert response["Location"] == reverse("grant:report", args=[report.pk])
    assert (
        report.status == ReportStatus.DONE and report.progress == 100 and len(report.checksum) == 64
    )
    page = text(client.get(reverse("grant:report", args=[report.pk])))
    assert "Télécharger le rapport (PDF)" in page
    pdf = b"".join(
        client.get(reverse("grant:report_file", args=[report.pk, "pdf"])).streaming_content
    )
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    figures = programme_figures(report.start, report.end, convention)
    assert "Un contexte clair." in words and "Page 2 sur" in words
    assert (
        f"Heures d'accompagnement {str(figures['activities']['hours']).replace('.', ',')}"
        in " ".join(words.split())
    )
    assert "3\u202f500,00\u00a0€" in words and "12\u202f000,00\u00a0€" in words
    xlsx = b"".join(
        client.get(reverse("grant:report_file", args=[report.pk, "xlsx"])).streaming_content
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == [
        "Métadonnées",
        "Par action",
        "Par QPV",
        "Progression",
        "Entreprises",
        "Activités",
        "Dépenses",
        "Versements",
        "Objectifs",
        "Méthode",
    ]
    meta = {row[0].value: row[1].value for row in book["Métadonnées"].iter_rows() if row[0].value}
    assert Decimal(str(meta["Imputé à la subvention (€)"])) == figures["grant"]["total"]["charged"]
    assert meta["Activités"] == figures["activities"]["count"] == 1
    expenses = list(book["Dépenses"].iter_rows(values_only=True))[1:]
    assert sum(Decimal(str(r[5])) for r in expenses) == figures["grant"]["total"]["charged"]
    client.force_login(alice)
    assert client.get(reverse("grant:report_file", args=[report.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"end": "2022-12-31"}, "La fin de la période précède son début."),
        ({"start": "2022-06-01"}, "La période doit tenir dans la convention"),
        ({"context": "<script>alert(1)</script>"}, "pas de balises HTML"),
        ({"outlook": "x" * 100_000}, "20000 caractères"),
    ],
)
def test_bad_input_is_refused_and_nothing_generated(client, staff, convention, data, message):
    client.force_login(staff)
    response = client.post(
        reverse("grant:report_create", args=[convention.pk]), form(convention, **data)
    )
    assert message in text(response).replace("\u202f", "") and not Report.objects.exists()


def test_an_unsigned_convention_cannot_be_reported(client, staff, reference_data):
    convention = ConventionFactory(signed_on=None)
    client.force_login(staff)
    response = client.post(reverse("grant:report_create", args=[convention.pk]), form(convention))
    assert "pas de date de signature" in text(response)


def test_running_twice_produces_one_result_and_a_running_one_blocks_a_new_request(
    client, staff, convention
):
    report = Report.objects.create(
        convention=convention, kind="annuel", start=SIGNED, end=datetime.date(2023, 12, 31)
    )
    assert generate_report(report.pk) == "done"
    checksum = Report.objects.get().checksum
    assert generate_report(report.pk) == "already handled"
    assert Report.objects.get().checksum == checksum
    running = Report.objects.create(
        convention=convention,
        kind="final",
        start=SIGNED,
        end=datetime.date(2023, 12, 31),
        status="running",
        started_at=timezone.now(),
    )
    client.force_login(staff)
    response = client.post(
        reverse("grant:report_create", args=[convention.pk]), form(convention, kind="final")
    )
    assert "déjà en cours de génération" in text(response)
    Report.objects.filter(pk=running.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = text(client.get(reverse("grant:report", args=[running.pk])))
    assert "semble interrompue" in page and "Relancer" in page


def test_transmitting_locks_the_report_and_journals_its_checksum(client, staff, convention):
    report = Report.objects.create(
        convention=convention, kind="annuel", start=SIGNED, end=datetime.date(2023, 12, 31)
    )
    generate_report(report.pk)
    client.force_login(staff)
    client.post(reverse("grant:report_transmit", args=[report.pk]))
    report.refresh_from_db()
    assert report.locked
    event = FinancialEvent.objects.get(kind=FinancialEventKind.REPORT_SENT)
    assert event.changes["SHA-256 du PDF"][1] == report.checksum
    response = client.post(reverse("grant:report_retry", args=[report.pk]), follow=True)
    assert "ne se régénère plus" in text(response)


def test_a_failure_says_so_and_offers_to_retry(
    client, staff, convention, monkeypatch, django_capture_on_commit_callbacks
):
    import grant.tasks

    def broken(report):
        raise OSError("disque plein")

    monkeypatch.setattr(grant.tasks, "build", broken)
    report = Report.objects.create(
        convention=convention, kind="annuel", start=SIGNED, end=datetime.date(2023, 12, 31)
    )
    assert generate_report(report.pk) == "failed"
    client.force_login(staff)
    page = text(client.get(reverse("grant:report", args=[report.pk])))
    assert "La génération a échoué (OSError)" in page and "Relancer" in page
    assert client.get(reverse("grant:report_file", args=[report.pk, "pdf"])).status_code == 404
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grant:report_retry", args=[report.pk]))
    assert Report.objects.get().status == ReportStatus.DONE


def test_the_command_writes_the_same_files(tmp_path, convention):
    out = io.StringIO()
    call_command(
        "generate_report",
        "--convention",
        convention.deliberation_number,
        "--from",
        "2023-01-10",
        "--to",
        "2023-12-31",
        "--output",
        str(tmp_path / "rapport.pdf"),
        stdout=out,
    )
    report = Report.objects.get()
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256((tmp_path / "rapport.pdf").read_bytes()).hexdigest() == report.checksum
    assert (tmp_path / "rapport.xlsx").exists() and report.checksum in out.getvalue()


def test_the_dashboard_shows_filters_charts_and_downloads(client, staff, convention):
    enterprise = EnterpriseFactory(stage="accompagnee")
    from programme.models import Qpv

    mosson = Qpv.objects.get(code="QP034005")
    EnterpriseFactory(stage="reperee", qpv=mosson)
    Enterprise.objects.update(created_at=timezone.make_aware(datetime.datetime(2023, 2, 1)))
    client.force_login(staff)
    page = text(client.get(reverse("grant:pilotage")))
    assert "L'essentiel" in page and "<svg" in page and "Entreprises par QPV" in page
    assert "40\u202f000,00\u00a0€" in page
    filtered = client.get(reverse("grant:pilotage"), {"qpv": mosson.pk})
    assert filtered.context["figures"]["enterprises"]["total"] == 1
    csv = client.get(reverse("grant:dashboard_export", args=["etapes", "csv"]), {"qpv": mosson.pk})
    content = csv.content.decode("utf-8-sig")
    assert "Filtres;QPV : QP034005 Mosson (2015)" in content and "repérée;1" in content
    assert "Période;du 10/01/2023 au 10/01/2024" in content
    assert enterprise.stage == "accompagnee"
