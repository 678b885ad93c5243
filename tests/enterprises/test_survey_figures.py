"""Answers where they are useful: the enterprise page, the partner follow-up (with the
partners to call) and « Pilotage », aggregated only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import SurveyTrigger
from enterprises.models import Survey
from enterprises.survey_figures import (
    partners_to_call,
    satisfaction_by_organisation,
    satisfaction_summary,
)

from ..factories import AssignmentFactory, EnterpriseFactory, OrganisationFactory, text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = (TODAY - datetime.timedelta(days=365), TODAY)


def answer(enterprise, organisation=None, usefulness=4, **fields):
    return Survey.objects.create(
        enterprise=enterprise,
        organisation=organisation,
        trigger=SurveyTrigger.CLOSED if organisation else SurveyTrigger.AUTONOMOUS,
        usefulness=usefulness,
        answered_at=timezone.now(),
        completed_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def shared(organisation_a, organisation_b):
    """An enterprise handed to A and B, with one answer about each."""
    enterprise = EnterpriseFactory(name="BOULANGERIE BENALI")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_b)
    answer(enterprise, organisation_a, 5, comment="Merci à A, montré.", comment_shareable=True)
    answer(enterprise, organisation_b, 2, comment="Pour la Métropole seulement.")
    return enterprise


def test_staff_see_every_answer_and_comment(client, staff, shared):
    client.force_login(staff)
    page = text(client.get(reverse("enterprises:detail", args=[shared.pk])))
    assert "L'avis de l'entrepreneur" in page
    assert "Merci à A, montré." in page and "Pour la Métropole seulement." in page
    assert "(non montré au partenaire)" in page


def test_a_partner_sees_the_answers_about_them_and_allowed_comments_only(
    client, alice, charlie, shared
):
    client.force_login(alice)
    page = text(client.get(reverse("enterprises:detail", args=[shared.pk])))
    assert "Utilité : 5 sur 5" in page and "Merci à A, montré." in page
    assert "Utilité : 2 sur 5" not in page
    client.force_login(charlie)
    page = text(client.get(reverse("enterprises:detail", args=[shared.pk])))
    assert "Utilité : 2 sur 5" in page
    assert "Pour la Métropole seulement." not in page and "Merci à A" not in page


def test_satisfaction_per_partner_in_the_follow_up(client, staff, organisation_a):
    for score in (5, 4, 3, 1):
        answer(EnterpriseFactory(), organisation_a, score)
    assert satisfaction_by_organisation(*YEAR)[organisation_a.pk] == {
        "answers": 4,
        "satisfaction_rate": 50,
    }
    AssignmentFactory(organisation=organisation_a)
    client.force_login(staff)
    page = text(client.get(reverse("grant:partners")))
    assert "Satisfaction des entrepreneurs" in page
    assert "<td>50.0 %</td><td>4</td>" in page.replace("50,0", "50.0")


def orientations(organisation, **statuses):
    for status, count in statuses.items():
        for _ in range(count):
            AssignmentFactory(organisation=organisation, status=status)


def test_partners_to_call_on_enough_cases_only(settings):
    refusing = OrganisationFactory(name="Refuse souvent")
    orientations(refusing, not_for_me=3, done=7)
    small = OrganisationFactory(name="Trop peu de cas")
    orientations(small, not_for_me=5, done=4)
    unhelpful = OrganisationFactory(name="Aide rarement")
    orientations(unhelpful, done=1, done_no_help=4, quo=5)
    fine = OrganisationFactory(name="Tout va bien")
    orientations(fine, done=9, not_for_me=1)
    disliked = OrganisationFactory(name="Peu appréciée")
    for score in [5] * 9 + [2] * 11:
        answer(EnterpriseFactory(), disliked, score)
    rows = {row["name"]: row["reasons"] for row in partners_to_call(*YEAR)}
    assert set(rows) == {"Refuse souvent", "Aide rarement", "Peu appréciée"}
    assert rows["Refuse souvent"] == ["30,0 % de refus sur 10 orientations"]
    assert rows["Aide rarement"] == ["« aide proposée » pour 20,0 % des orientations traitées"]
    assert rows["Peu appréciée"] == ["45,0 % d'entrepreneurs satisfaits sur 20 réponses"]
    settings.CALL_MIN_ASSIGNMENTS = 9
    assert "Trop peu de cas" in {row["name"] for row in partners_to_call(*YEAR)}


def test_the_call_list_is_on_the_follow_up_page(client, staff):
    orientations(OrganisationFactory(name="Refuse souvent"), not_for_me=10)
    client.force_login(staff)
    page = text(client.get(reverse("grant:partners")))
    assert "À appeler cette semaine" in page
    assert "Refuse souvent</strong> : 100,0 % de refus sur 10 orientations" in page


def test_pilotage_shows_the_aggregates_without_names(client, staff, organisation_a):
    answer(EnterpriseFactory(name="SECRET SARL"), organisation_a, 5, allowed=["visible", "vendre"])
    answer(EnterpriseFactory(), None, 2, allowed=["visible"], recontacted="yes")
    summary = satisfaction_summary(*YEAR)
    assert (summary["answers"], summary["satisfaction_rate"], summary["mean_usefulness"]) == (
        2,
        50,
        3.5,
    )
    assert summary["recontacted_rate"] == 100
    assert summary["allowed"][0] == (
        "être visible en ligne (fiche sur les cartes, avis, annuaires)",
        2,
    )
    client.force_login(staff)
    page = text(client.get(reverse("grant:pilotage")))
    assert "La voix des entrepreneurs" in page and "SECRET" not in page
    assert "Être visible en ligne" in page
