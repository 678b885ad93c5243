"""Budget lines and expenses exported from the admin (money is written elsewhere)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from common.resources import FrenchCSV
from grant.resources import BudgetLineResource, ExpenseResource

from ..factories import BudgetLineFactory, ExpenseFactory, text

pytestmark = pytest.mark.django_db


def test_budget_lines_and_expenses_exported_in_french():
    line = BudgetLineFactory(label="=Ateliers", planned_cost=Decimal("10000.50"))
    ExpenseFactory(
        line=line,
        supplier="@Fournisseur",
        date=datetime.date(2023, 3, 4),
        amount=Decimal("1200.00"),
    )
    lines = BudgetLineResource().export()
    assert lines.headers[:3] == ["Délibération", "Action du programme", "Intitulé"]
    assert lines[0][2] == "'=Ateliers" and lines[0][3] == Decimal("10000.50")
    expenses = FrenchCSV().export_data(ExpenseResource().export())
    assert expenses.startswith("\ufeffDate;Ligne budgétaire;Fournisseur;")
    assert "04/03/2023;'=Ateliers;'@Fournisseur;" in expenses


def test_money_has_export_and_no_import(client, staff):
    client.force_login(staff)
    for model in ("budgetline", "expense"):
        page = text(client.get(reverse(f"admin:grant_{model}_changelist")))
        assert "Exporter" in page and "Importer" not in page
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:grant_{model}_import")
