"""The enterprise page from plain values (decision 012, enterprises.views.detail): the
same HTML as the template before it drew from the model instances (the enterprise with
its relations, its contacts and the entrepreneur's answers), for staff, the referent, a
lecteur and a conseiller of another organisation working on it; the same rights
(perms.can_edit_enterprise) and 404 outside the rule."""

import datetime
import re
from pathlib import Path

import pytest
from django.db.models import Q
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from enterprises import perms
from enterprises.enums import SurveyTrigger
from enterprises.models import Enterprise, Survey
from enterprises.views import detail
from partners.models import Membership
from tests.factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    NafCodeFactory,
    PairFactory,
    QpvFactory,
)

pytestmark = pytest.mark.django_db

# detail.html before decision 012, its two includes (pairs/detail_actions.html,
# survey_answers.html) written in place.
OLD = (Path(__file__).parent / "detail_before_012.html").read_text()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def old_answers(enterprise, user):
    """enterprises.survey_figures.answers_for before decision 012."""
    surveys = enterprise.surveys.filter(answered_at__isnull=False).select_related("organisation")
    if not user.is_staff:
        organisations = Membership.objects.active().filter(user=user).values("organisation_id")
        surveys = surveys.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=organisations)
        )
    answers = list(surveys.order_by("-answered_at"))
    for survey in answers:
        survey.show_comment = bool(survey.comment) and (user.is_staff or survey.comment_shareable)
    return answers


def old_page(response, user, pk):
    """The page as the view drew it from the instances before decision 012 (the history,
    the stage form and the autonomy offer, unchanged, taken from the response)."""
    enterprise = Enterprise.objects.select_related(
        "qpv__successor", "naf", "referent", "point_qpv", "pair__consent"
    ).get(pk=pk)
    can_edit = perms.can_edit_enterprise(user, enterprise)
    context = {
        "enterprise": enterprise,
        "can_edit": can_edit,
        "contacts": enterprise.contacts.all() if can_edit else None,
        "may_see_contacts": can_edit,
        "stage_fields": response.context["stage_fields"],
        "timeline_html": response.context["timeline_html"],
        "survey_answers": old_answers(enterprise, user),
        "can_log": perms.can_log_activity(user),
        "can_assign": perms.can_assign(user),
        "offer_autonomy": response.context["offer_autonomy"],
    }
    return engines["django"].from_string(OLD).render(context, response.wsgi_request)


def same_page(client, user, enterprise):
    client.force_login(user)
    response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.status_code == 200
    new = TOKEN.sub("", response.content.decode())
    old = TOKEN.sub("", old_page(response, user, enterprise.pk))
    assert new == old
    return new


@pytest.fixture
def full(alice, organisation_a, organisation_b):
    """An enterprise with every part of the page filled in: an enseigne, a NAF code, a
    QPV chosen by hand against its point (with a 2024 successor), a referent, contacts
    (with a phone, anonymised, nameless), answers about A, B and the whole parcours, an
    orientation that B works on, one A closed (bob, lecteur of A, reads), and a pair
    whose consent holds."""
    successor = QpvFactory(name="Mosson 2024", generation=2024, code="")
    chosen = QpvFactory(name="Mosson <Nord>", successor=successor)
    enterprise = EnterpriseFactory(
        name="ATELIER & CO",
        trade_name="L'Atelier « Zoé »",
        legal_form="SARL",
        naf=NafCodeFactory(),
        created_on=datetime.date(2019, 4, 2),
        headcount=3,
        referent=alice,
        address="3 rue de l'Aiguillerie",
        postcode="34000",
        commune="Montpellier",
        latitude=43.61,
        longitude=3.87,
        qpv=chosen,
        qpv_source="manual",
        point_qpv=QpvFactory(name="Celleneuve & Cie"),
        stage="autonome",
    )
    PairFactory(enterprise=enterprise)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_b, status="taking_care")
    AssignmentFactory(
        enterprise=enterprise, organisation=organisation_a, status="done", closed_at=timezone.now()
    )
    ContactFactory(enterprise=enterprise, first_name="Zoé", last_name="Durand", phone="06 12 34")
    ContactFactory(enterprise=enterprise, anonymised_at=timezone.now())
    ContactFactory(enterprise=enterprise, first_name="", last_name="", email="", role="")
    for organisation, usefulness, fields in [
        (organisation_a, 5, {"comment": "Merci <A>", "comment_shareable": True}),
        (organisation_b, 2, {"comment": "Pour la Métropole", "recontacted": "yes"}),
        (None, None, {"allowed": ["site", "inconnu"]}),
    ]:
        Survey.objects.create(
            enterprise=enterprise,
            organisation=organisation,
            trigger=SurveyTrigger.CLOSED if organisation else SurveyTrigger.AUTONOMOUS,
            usefulness=usefulness,
            answered_at=timezone.now(),
            **fields,
        )
    return enterprise


@pytest.mark.parametrize("reader", ["staff", "alice", "bob", "charlie"])
def test_the_page_shows_what_the_instances_showed(client, full, reader, request):
    html = same_page(client, request.getfixturevalue(reader), full)
    assert "L&#x27;Atelier « Zoé »" in html and "Mosson &lt;Nord&gt;" in html
    assert ("Zoé Durand" in html) == (reader in ("staff", "alice", "charlie"))


def test_a_bare_enterprise_shows_what_it_showed(client, alice, organisation_a):
    enterprise = EnterpriseFactory(stage="sortie", exit_reason="cessation")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    html = same_page(client, alice, enterprise)
    assert "hors QPV" in html and "aucun successeur" in html and "Aucun contact" in html


def test_a_withdrawn_pair_and_a_point_outside_any_qpv(client, staff):
    pair = PairFactory(enterprise=EnterpriseFactory(stage="autonome", latitude=43.6))
    pair.consent.withdrawn_at = timezone.now()
    pair.consent.save()
    Enterprise.objects.filter(pk=pair.enterprise_id).update(qpv=QpvFactory(), qpv_source="manual")
    html = same_page(client, staff, pair.enterprise)
    assert "Proposer comme pair" in html and "aucun QPV" in html


def test_rights_as_can_edit_enterprise(full, alice, bob, charlie, staff, organisation_b):
    for user in (alice, bob, charlie, staff):
        expected = perms.can_edit_enterprise(user, full)
        assert detail.read(full.pk, user).enterprise.can_edit is expected
    assert [detail.read(full.pk, u).enterprise.can_edit for u in (alice, bob, charlie)] == [
        True,
        False,
        True,
    ]
    full.assignments.filter(organisation=organisation_b).update(status="not_for_me")
    assert detail.read(full.pk, charlie).enterprise.can_edit is False


def test_outside_the_rule_or_gone_the_page_is_404(client, charlie, alice):
    enterprise = EnterpriseFactory(referent=alice)
    client.force_login(charlie)
    assert client.get(reverse("enterprises:detail", args=[enterprise.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("enterprises:detail", args=[10**9])).status_code == 404
