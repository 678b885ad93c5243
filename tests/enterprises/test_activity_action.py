"""A convention in force sets its budget out by action: each activity says which one."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Activity
from grant.models import Expense

from ..factories import (
    ActionFactory,
    AssignmentFactory,
    BudgetLineFactory,
    ConventionFactory,
    EnterpriseFactory,
)
from ..factories import text as page_text
from .test_activities import session

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(organisation_a, reference_data):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU MAIL")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    return enterprise


@pytest.fixture
def in_force(organisation_a):
    convention = ConventionFactory(status="en_cours", signed_on=timezone.localdate())
    led = ActionFactory(programme=convention.programme, lead=organisation_a, name="Séances")
    other = ActionFactory(programme=convention.programme, name="Ateliers")
    for action in (led, other):
        BudgetLineFactory(convention=convention, action=action, label=action.name)
    return led, other


def test_the_action_is_asked_and_prefilled_from_my_organisation(client, alice, mine, in_force):
    led, _ = in_force
    client.force_login(alice)
    form = client.get(reverse("enterprises:log_session", args=[mine.pk])).context["form"]
    assert form.fields["action"].required and form.initial["action"] == led
    response = session(client, mine)
    assert "Ce champ est obligatoire" in page_text(response) and not Activity.objects.exists()
    session(client, mine, action=led.pk)
    assert Activity.objects.get().action == led


def test_without_a_convention_in_force_the_action_stays_optional(client, alice, mine):
    client.force_login(alice)
    session(client, mine)
    assert Activity.objects.get().action is None


def test_an_expense_cannot_be_dated_in_the_future(client, staff):
    convention = ConventionFactory(
        max_amount=Decimal("40000"), signed_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    line = BudgetLineFactory(
        convention=convention, planned_cost=Decimal("10000"), planned_grant=Decimal("5000")
    )
    client.force_login(staff)
    values = {
        "line": line.pk,
        "date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "supplier": "Axents",
        "description": "Ateliers",
        "amount": "100.00",
        "grant_amount": "50.00",
        "status": "engagee",
    }
    response = client.post(reverse("grant:expense_create", args=[convention.pk]), values)
    assert "ne peut être dans le futur" in page_text(response) and not Expense.objects.exists()
    values["date"] = timezone.localdate().isoformat()
    client.post(reverse("grant:expense_create", args=[convention.pk]), values)
    assert Expense.objects.count() == 1
