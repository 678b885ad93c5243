"""The entrepreneur's survey: when it is sent, the one-tap answer, and links that were
changed, expired or already used (a French page, nothing recorded)."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import AssignmentStatus, Stage, SurveyTrigger
from enterprises.models import Survey
from enterprises.surveys import SALT, send_six_month_surveys, send_survey, survey_token
from partners.models import OutboundEmail

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(organisation_a, alice):
    """An orientation taken in charge by alice, for an enterprise with a consenting contact."""
    enterprise = EnterpriseFactory(name="BOULANGERIE BENALI", stage=Stage.ACCOMPAGNEE)
    ContactFactory(enterprise=enterprise, email="nadia@exemple.test", first_name="Nadia")
    assignment = AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    assignment.take_in_charge(by=alice)
    return assignment


def test_closing_an_orientation_sends_the_survey(
    taken, alice, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        taken.close(AssignmentStatus.DONE, by=alice)
    survey = Survey.objects.get()
    assert (survey.trigger, survey.assignment, survey.organisation) == (
        SurveyTrigger.CLOSED,
        taken,
        taken.organisation,
    )
    assert OutboundEmail.objects.get(kind="survey").to == "nadia@exemple.test"
    sent = mailoutbox[-1]
    html = sent.alternatives[0][0]
    assert "Cet accompagnement vous a-t-il été utile ?" in sent.body
    for n in range(1, 6):
        assert f"?utile={n}" in sent.body and f"?utile={n}" in html
    # The link says nothing about the enterprise: only a signed number.
    link = re.search(r"http://\S+/avis/[^\s?]+/", sent.body).group(0)
    assert "BENALI" not in link.upper() and "nadia" not in link


def test_closing_through_the_inbox_sends_it_once(client, taken, alice):
    client.force_login(alice)
    url = reverse("enterprises:assignment_close", args=[taken.pk])
    client.post(url, {"outcome": "done", "confirm": "1"})
    client.post(url, {"outcome": "done", "confirm": "1"})  # refused: already closed
    assert Survey.objects.count() == 1


def test_no_survey_without_a_consenting_contact_with_an_email(organisation_a, alice):
    enterprise = EnterpriseFactory()
    ContactFactory(enterprise=enterprise, consent_date=None)
    ContactFactory(enterprise=enterprise, email="")
    assignment = AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    assignment.take_in_charge(by=alice)
    assignment.close(AssignmentStatus.DONE_NO_HELP, by=alice)
    assert Survey.objects.count() == 0
    assert not OutboundEmail.objects.filter(kind="survey").exists()


def test_reaching_autonome_sends_the_survey(alice):
    enterprise = EnterpriseFactory(stage=Stage.ACCOMPAGNEE)
    ContactFactory(enterprise=enterprise)
    enterprise.move_to(Stage.AUTONOME, by=alice)
    survey = Survey.objects.get()
    assert (survey.trigger, survey.organisation) == (SurveyTrigger.AUTONOMOUS, None)


def test_six_months_after_autonome_once():
    now = timezone.now()
    due = EnterpriseFactory(stage=Stage.AUTONOME)
    ContactFactory(enterprise=due)
    recent = EnterpriseFactory(stage=Stage.AUTONOME)
    ContactFactory(enterprise=recent)
    type(due).objects.filter(pk=due.pk).update(stage_changed_at=now - datetime.timedelta(days=190))
    type(due).objects.filter(pk=recent.pk).update(
        stage_changed_at=now - datetime.timedelta(days=100)
    )
    assert send_six_month_surveys(now) == 1
    assert send_six_month_surveys(now) == 0
    assert Survey.objects.get().enterprise == due


def open_survey():
    enterprise = EnterpriseFactory(name="BOULANGERIE BENALI")
    ContactFactory(enterprise=enterprise)
    return send_survey(enterprise, SurveyTrigger.AUTONOMOUS)


def test_one_tap_records_the_first_answer(client):
    survey = open_survey()
    url = reverse("enterprises:survey", args=[survey_token(survey)])
    response = client.get(url + "?utile=4")
    assert response.status_code == 200
    assert "Votre note (4 sur 5) est enregistrée" in text(response)
    survey.refresh_from_db()
    assert survey.usefulness == 4 and survey.answered_at is not None
    assert survey.completed_at is None


def test_the_form_completes_the_answer_and_spends_the_link(client):
    survey = open_survey()
    url = reverse("enterprises:survey", args=[survey_token(survey)])
    client.get(url + "?utile=2")
    client.get(url + "?utile=5")  # changed before sending: the last tap counts
    response = client.post(
        url,
        {
            "usefulness": "5",
            "recontacted": "yes",
            "allowed": ["visible", "vendre"],
            "comment": "Très bon accueil.",
            "comment_shareable": "on",
        },
    )
    assert "Merci pour votre avis" in text(response)
    survey.refresh_from_db()
    assert (survey.usefulness, survey.recontacted, survey.allowed) == (
        5,
        "yes",
        ["visible", "vendre"],
    )
    assert survey.comment_shareable and survey.completed_at is not None
    # Reused: a French page, and nothing changes.
    for response in (client.get(url + "?utile=1"), client.post(url, {"usefulness": "1"})):
        assert response.status_code == 400
        assert "Vous avez déjà répondu" in text(response)
    survey.refresh_from_db()
    assert survey.usefulness == 5


def test_a_changed_link_reveals_nothing_and_records_nothing(client):
    survey = open_survey()
    token = survey_token(survey)
    forged = signing.dumps(survey.pk, salt="another salt")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged, "1"):
        response = client.get(reverse("enterprises:survey", args=[bad]) + "?utile=1")
        assert response.status_code == 400
        page = text(response)
        assert "Ce lien n'est pas valable" in page and "Rien n'a été enregistré" in page
        assert "BENALI" not in page
    survey.refresh_from_db()
    assert survey.usefulness is None and survey.answered_at is None


class SignedLongAgo(signing.TimestampSigner):
    """A signer whose clock is 31 days behind: the link as it was a month ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 31 * 86400)


def test_an_expired_link_says_so_and_records_nothing(client):
    survey = open_survey()
    old = SignedLongAgo(salt=SALT).sign_object(survey.pk)
    response = client.get(reverse("enterprises:survey", args=[old]) + "?utile=5")
    assert response.status_code == 400
    assert "Ce lien a expiré" in text(response)
    survey.refresh_from_db()
    assert survey.usefulness is None


def test_the_survey_page_asks_the_four_questions(client):
    survey = open_survey()
    page = text(client.get(reverse("enterprises:survey", args=[survey_token(survey)])))
    for question in (
        "Avez-vous été recontacté·e ?",
        "Cet accompagnement vous a-t-il été utile ?",
        "Qu'est-ce que cela vous a permis de faire ?",
        "J'accepte que mon commentaire soit montré",
    ):
        assert question in page


def test_an_answer_shows_at_once_in_pilotage(client, staff, reference_data):
    """« Pilotage » keeps the survey summary under the data's version (decision 011): the
    public link's UPDATE moves that version."""
    survey = open_survey()
    client.force_login(staff)
    before = client.get(reverse("grant:pilotage")).context["voice"]["answers"]
    client.get(reverse("enterprises:survey", args=[survey_token(survey)]) + "?utile=5")
    assert client.get(reverse("grant:pilotage")).context["voice"]["answers"] == before + 1
