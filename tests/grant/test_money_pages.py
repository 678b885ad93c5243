"""What staff read on the money pages: the receipt link, the journal in plain French,
« Pilotage » without developer notes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.grant import minimal_pdf
from grant.models import Expense

from ..factories import BudgetLineFactory, ConventionFactory, text
from .test_money import post_expense

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return ConventionFactory(max_amount=Decimal("40000.00"), signed_on=datetime.date(2023, 1, 10))


@pytest.fixture
def line(convention):
    return BudgetLineFactory(
        convention=convention, planned_cost=Decimal("60000"), planned_grant=Decimal("30000")
    )


def test_the_receipt_link_on_the_edit_page_works_and_shows_the_file_name(
    client, staff, convention, line
):
    client.force_login(staff)
    receipt = SimpleUploadedFile(
        "Facture Axents.pdf", minimal_pdf("Facture"), content_type="application/pdf"
    )
    post_expense(client, convention, line, receipt=receipt)
    expense = Expense.objects.get()
    page = text(client.get(reverse("grant:expense_edit", args=[convention.pk, expense.pk])))
    assert "Facture Axents.pdf" in page and "private/" not in page
    [href] = re.findall(r'<a href="([^"]+)">Facture Axents.pdf</a>', page)
    assert href == reverse("grant:receipt", args=[expense.pk])
    assert client.get(href).status_code == 200


def test_the_journal_shows_labels_and_french_amounts(client, staff, convention, line):
    client.force_login(staff)
    post_expense(client, convention, line, amount="3000.00")
    expense = Expense.objects.get()
    client.post(
        reverse("grant:expense_edit", args=[convention.pk, expense.pk]),
        {
            "line": line.pk,
            "date": "2023-03-01",
            "supplier": "Axents",
            "description": "Ateliers",
            "amount": "3500.00",
            "grant_amount": "500.00",
            "status": "payee",
            "reference": "F-1",
        },
    )
    page = text(client.get(reverse("grant:convention", args=[convention.pk])))
    assert "3\u202f000,00\u00a0€ → 3\u202f500,00\u00a0€" in page
    assert "engagée → payée" in page
    assert "engagee" not in page and "3000.00" not in page


def test_pilotage_prints_no_developer_comment(client, staff, reference_data):
    client.force_login(staff)
    page = text(client.get(reverse("grant:pilotage")))
    assert "{#" not in page and "figures_cache" not in page
