import datetime
import io
import threading
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from demo.grant import minimal_pdf
from grant.enums import FinancialEventKind
from grant.indicators import grant_execution
from grant.models import (
    BudgetLine,
    CeilingError,
    Convention,
    Disbursement,
    Expense,
    FinancialEvent,
    save_disbursement,
    save_expense,
)

from ..factories import (
    BudgetLineFactory,
    ConventionDocumentFactory,
    ConventionFactory,
    DisbursementFactory,
    ExpenseFactory,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return ConventionFactory(max_amount=Decimal("40000.00"), signed_on=datetime.date(2023, 1, 10))


@pytest.fixture
def line(convention):
    return BudgetLineFactory(
        convention=convention, planned_cost=Decimal("60000"), planned_grant=Decimal("30000")
    )


def post_expense(client, convention, line, **data):
    values = {
        "line": line.pk,
        "date": "2023-03-01",
        "supplier": "Axents",
        "description": "Ateliers",
        "amount": "1000.00",
        "grant_amount": "500.00",
        "status": "engagee",
        "reference": "F-1",
    } | data
    return client.post(reverse("grant:expense_create", args=[convention.pk]), values)


def test_an_expense_past_the_ceiling_is_refused_with_what_is_left(client, staff, convention, line):
    ExpenseFactory(line=line, amount=Decimal("39000"), grant_amount=Decimal("38500.50"))
    client.force_login(staff)
    response = post_expense(client, convention, line, amount="3000", grant_amount="2000")
    page = text(response)
    assert response.status_code == 200
    assert "il reste 1\u202f499,50\u00a0€ imputable à la subvention" in page
    assert 'value="Axents"' in page  # what was typed is kept
    assert Expense.objects.count() == 1
    ok = post_expense(client, convention, line, amount="3000", grant_amount="1499.50")
    assert ok.status_code == 302 and Expense.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "0"}, "Le montant doit être positif."),
        ({"amount": "-12"}, "Le montant doit être positif."),
        ({"amount": "10.005"}, "2 chiffres après la virgule"),
        ({"grant_amount": "2000"}, "ne peut dépasser le montant"),
        ({"date": "2024-02-01"}, "datée pendant la convention, du 10/01/2023 au 10/01/2024"),
    ],
)
def test_bad_amounts_and_dates_are_refused(client, staff, convention, line, data, message):
    client.force_login(staff)
    response = post_expense(client, convention, line, **data)
    assert message in text(response)
    assert not Expense.objects.exists() and not FinancialEvent.objects.exists()


def test_budget_lines_cannot_plan_past_the_maximum(client, staff, convention, line):
    client.force_login(staff)
    url = reverse("grant:line_create", args=[convention.pk])
    response = client.post(
        url, {"label": "Trop", "planned_cost": "20000", "planned_grant": "10000.01", "position": 2}
    )
    assert "il reste 10\u202f000,00\u00a0€ à répartir" in text(response)
    assert BudgetLine.objects.count() == 1
    assert (
        client.post(
            url,
            {"label": "Juste", "planned_cost": "20000", "planned_grant": "10000", "position": 2},
        ).status_code
        == 302
    )


def test_disbursements_cannot_pass_the_maximum(client, staff, convention):
    DisbursementFactory(convention=convention, amount=Decimal("30000"))
    client.force_login(staff)
    url = reverse("grant:disbursement_create", args=[convention.pk])
    response = client.post(url, {"kind": "solde", "date": "2024-01-05", "amount": "10000.01"})
    assert "il reste 10\u202f000,00\u00a0€ à recevoir" in text(response)
    assert (
        client.post(url, {"kind": "solde", "date": "2024-01-05", "amount": "10000"}).status_code
        == 302
    )
    assert FinancialEvent.objects.get().kind == FinancialEventKind.DISBURSEMENT_RECEIVED


def test_the_maximum_cannot_drop_below_what_is_committed(client, staff, convention, line):
    client.force_login(staff)
    response = client.post(
        reverse("grant:convention_edit", args=[convention.pk]),
        {
            "status": "en_cours",
            "signed_on": "2023-01-10",
            "duration_months": 12,
            "max_amount": "20000",
            "prefecture_act_id": "x",
        },
    )
    assert "ne peut descendre sous 30\u202f000,00\u00a0€" in text(response)
    assert Convention.objects.get().max_amount == Decimal("40000.00")


def test_receipts_are_checked_by_content_and_served_to_staff_only(
    client, staff, alice, convention, line
):
    client.force_login(staff)
    fake = SimpleUploadedFile(
        "facture.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    response = post_expense(client, convention, line, receipt=fake)
    assert "ni un PDF, ni une image JPEG ou PNG" in text(response)
    big = SimpleUploadedFile(
        "scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), content_type="image/png"
    )
    assert "Fichier trop lourd" in text(post_expense(client, convention, line, receipt=big))
    assert not Expense.objects.exists()
    good = SimpleUploadedFile(
        "Facture Axents.PDF", minimal_pdf("Facture"), content_type="application/pdf"
    )
    post_expense(client, convention, line, receipt=good)
    expense = Expense.objects.get()
    assert (
        expense.receipt.name.startswith("private/receipts/")
        and "Axents" not in expense.receipt.name
    )
    download = client.get(reverse("grant:receipt", args=[expense.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "Facture Axents.PDF" in download["Content-Disposition"]
    client.force_login(alice)
    assert client.get(reverse("grant:receipt", args=[expense.pk])).status_code == 404


def test_every_grant_page_is_404_for_partners_and_conseillers(client, alice, bob, convention, line):
    expense = ExpenseFactory(line=line)
    document = ConventionDocumentFactory(convention=convention)
    disbursement = DisbursementFactory(convention=convention)
    urls = [
        reverse("grant:pilotage"),
        reverse("grant:convention", args=[convention.pk]),
        reverse("grant:convention_edit", args=[convention.pk]),
        reverse("grant:line_create", args=[convention.pk]),
        reverse("grant:line_edit", args=[convention.pk, line.pk]),
        reverse("grant:expense_create", args=[convention.pk]),
        reverse("grant:expense_edit", args=[convention.pk, expense.pk]),
        reverse("grant:disbursement_create", args=[convention.pk]),
        reverse("grant:disbursement_edit", args=[convention.pk, disbursement.pk]),
        reverse("grant:document_upload", args=[convention.pk]),
        reverse("grant:statement", args=[convention.pk, "xlsx"]),
        reverse("grant:receipt", args=[expense.pk]),
        reverse("grant:document", args=[document.pk]),
    ]
    for user in (alice, bob):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url


def test_the_journal_is_append_only_and_records_old_and_new_values(staff, convention, line):
    expense = save_expense(
        Expense(
            line=line,
            date=datetime.date(2023, 2, 1),
            supplier="A",
            description="B",
            amount=Decimal("100"),
            grant_amount=Decimal("50"),
        ),
        staff,
    )
    expense.status = "payee"
    save_expense(expense, staff)
    paid = FinancialEvent.objects.filter(kind=FinancialEventKind.EXPENSE_PAID).get()
    assert paid.changes == {"statut": ["engagée", "payée"]} and paid.by == staff
    with pytest.raises(PermissionError):
        paid.save()
    with pytest.raises(PermissionError):
        paid.delete()
    with pytest.raises(PermissionError):
        FinancialEvent.objects.all().delete()


def test_statement_export_has_every_expense_and_the_totals(client, staff, convention, line):
    ExpenseFactory(
        line=line,
        supplier="=cmd|' /C calc'!A0",
        amount=Decimal("1200.50"),
        grant_amount=Decimal("600"),
    )
    ExpenseFactory(
        line=line,
        supplier="Axents",
        amount=Decimal("99.50"),
        grant_amount=Decimal("0"),
        status="payee",
    )
    client.force_login(staff)
    response = client.get(reverse("grant:statement", args=[convention.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    header = rows.index(next(r for r in rows if r and r[0] == "Ligne budgétaire"))
    body = rows[header + 1 :]
    assert len(body) == 3 and body[-1][0] == "TOTAL"
    assert Decimal(str(body[-1][4])) == Decimal("1300.00") and Decimal(str(body[-1][5])) == Decimal(
        "600.00"
    )
    # An inline string is never a formula in XLSX: kept as typed, no apostrophe.
    assert any(r[2] == "=cmd|' /C calc'!A0" for r in body)
    amount = sheet.cell(row=header + 2, column=5)
    assert amount.data_type == "n" and "€" in amount.number_format
    date = sheet.cell(row=header + 2, column=2)
    assert date.is_date and date.number_format == "dd/mm/yyyy"
    assert any(r and r[0] == "Visa" for r in rows)
    csv = client.get(reverse("grant:statement", args=[convention.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "TOTAL;;;;1300,00;600,00" in csv


def test_execution_at_a_glance_from_a_hand_built_fixture(convention):
    first = BudgetLineFactory(
        convention=convention,
        label="Axents",
        planned_cost=Decimal("1000"),
        planned_grant=Decimal("800"),
    )
    second = BudgetLineFactory(
        convention=convention,
        label="PIX",
        planned_cost=Decimal("5000"),
        planned_grant=Decimal("4000"),
    )
    ExpenseFactory(line=first, amount=Decimal("700"), grant_amount=Decimal("600"), status="payee")
    ExpenseFactory(line=first, amount=Decimal("450"), grant_amount=Decimal("100"), status="engagee")
    ExpenseFactory(
        line=second, amount=Decimal("2000"), grant_amount=Decimal("1500"), status="mandatee"
    )
    DisbursementFactory(convention=convention, amount=Decimal("12000"))
    execution = grant_execution(convention, today=datetime.date(2023, 12, 1))
    total = execution["total"]
    assert total["planned_cost"] == Decimal("6000") and total["planned_grant"] == Decimal("4800")
    assert total["engaged"] == Decimal("3150") and total["paid"] == Decimal("700")
    assert total["charged"] == Decimal("2200") and total["received"] == Decimal("12000")
    assert total["remaining"] == Decimal("37800") and total["execution_rate"] == Decimal("5.5")
    assert execution["days_left"] == 40 and execution["elapsed_rate"] == Decimal("89.0")
    assert execution["warnings"] == [
        "« Axents » dépense plus que prévu : 1\u202f150,00\u00a0€ engagés pour "
        "1\u202f000,00\u00a0€ prévus.",
        "La convention se termine dans 40 jour(s) et seulement 5.5 % de la subvention est imputé.",
    ]


def test_the_indicators_run_three_queries_whatever_the_size(convention, django_assert_num_queries):
    for _ in range(5):
        line = BudgetLineFactory(convention=convention, planned_grant=Decimal("100"))
        ExpenseFactory.create_batch(3, line=line, amount=Decimal("10"), grant_amount=Decimal("1"))
    with django_assert_num_queries(3):
        grant_execution(convention)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_cannot_pass_the_ceiling(staff):
    convention = ConventionFactory(
        max_amount=Decimal("40000.00"), signed_on=datetime.date(2023, 1, 10)
    )
    line = BudgetLineFactory(
        convention=convention, planned_cost=Decimal("90000"), planned_grant=Decimal("40000")
    )
    ExpenseFactory(line=line, amount=Decimal("30000"), grant_amount=Decimal("30000"))
    barrier = threading.Barrier(2)
    outcomes = []

    def save(amount):
        try:
            barrier.wait(timeout=10)
            save_expense(
                Expense(
                    line=line,
                    date=datetime.date(2023, 5, 1),
                    supplier="S",
                    description="D",
                    amount=Decimal(amount),
                    grant_amount=Decimal(amount),
                ),
                staff,
            )
            outcomes.append("saved")
        except CeilingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=("6000",)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    charged = sum(e.grant_amount for e in Expense.objects.filter(line__convention=convention))
    assert charged == Decimal("36000.00") <= convention.max_amount


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_disbursements_cannot_pass_the_ceiling(staff):
    convention = ConventionFactory(max_amount=Decimal("40000.00"))
    barrier = threading.Barrier(2)
    outcomes = []

    def save():
        try:
            barrier.wait(timeout=10)
            save_disbursement(
                Disbursement(
                    convention=convention,
                    kind="acompte",
                    date=datetime.date(2023, 6, 1),
                    amount=Decimal("25000"),
                ),
                staff,
            )
            outcomes.append("saved")
        except CeilingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert Disbursement.objects.count() == 1
