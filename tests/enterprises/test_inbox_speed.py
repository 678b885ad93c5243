"""The partner inbox written from plain values (decision 012): the same cards as the
template wrote from the models, and a number of queries that does not grow with the data."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.timesince import timesince

from enterprises import perms
from enterprises.enums import CLOSED_STATUSES, AssignmentStatus, DeclineReason
from enterprises.models import Assignment, Enterprise
from enterprises.views.inbox import TABS
from enterprises.views.plain import since
from partners.enums import Role
from partners.models import User
from partners.perms import active_role

from ..factories import (
    ActionFactory,
    AssignmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    OrganisationFactory,
    QpvFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The cards as templates/enterprises/inbox.html wrote them before decision 012.
OLD_CARDS = (Path(__file__).parent / "inbox_cards_before_012.html").read_text()


def _normal(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _old_cards(user, organisation, statuses, page_number=1):
    """What the old template showed, from the models, as the old view read them."""
    rows = list(
        Assignment.objects.filter(organisation=organisation, status__in=statuses)
        .select_related("enterprise__qpv", "assigned_by", "handled_by", "decided_by", "action")
        .order_by("created_at", "id")[(page_number - 1) * 25 : page_number * 25]
    )
    visible_ids = set(
        Enterprise.objects.visible_to(user)
        .filter(pk__in=[row.enterprise_id for row in rows])
        .values_list("pk", flat=True)
    )
    role = active_role(user, organisation)
    colleagues = User.objects.filter(
        memberships__organisation=organisation, memberships__is_active=True, is_active=True
    ).distinct()
    context = {
        "rows": rows,
        "visible_ids": visible_ids,
        "can_act": perms.can_act_in_inbox(role),
        "is_admin": perms.can_hand_over(role),
        "csrf_token": "x",
        "colleague_options": format_html_join(
            "", '<option value="{}">{}</option>', ((c.pk, str(c)) for c in colleagues)
        ),
        "decline_options": format_html_join(
            "", '<option value="{}">{}</option>', DeclineReason.choices
        ),
        "outcome_radios": format_html_join(
            "",
            '<label><input type="radio" name="outcome" value="{}" required> {}</label>',
            ((s.value, capfirst(s.label)) for s in CLOSED_STATUSES),
        ),
    }
    return _normal(Template(OLD_CARDS).render(Context(context)))


def _new_cards(client, **query):
    page = client.get(reverse("enterprises:inbox"), query).content.decode()
    return _normal(page.split('<ul class="plain-list inbox">')[1].split("</ul>")[0])


@pytest.fixture
def every_kind_of_card(organisation_a, alice, org_admin, staff):
    """One assignment of each status, with and without each optional part, names that
    need escaping, and declined ones past the grace period with or without another path
    of sight."""
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=90)
    qpv = QpvFactory(name="Quartier <Mosson> & Paillade")
    action = ActionFactory(name="Action « numérique » d'été")
    colleague = UserFactory(first_name="", last_name="", email="sans-nom@example.test")
    MembershipFactory(user=colleague, organisation=organisation_a, role=Role.CONSEILLER)
    specs = [
        {
            "status": AssignmentStatus.QUO,
            "message": "Ligne 1\nLigne <2> & 'trois'",
            "action": action,
        },
        {"status": AssignmentStatus.QUO, "assigned_by": staff},
        {"status": AssignmentStatus.TAKING_CARE, "handled_by": alice, "taken_at": now},
        {"status": AssignmentStatus.TAKING_CARE, "handled_by": colleague, "taken_at": now},
        {
            "status": AssignmentStatus.DONE,
            "handled_by": alice,
            "decided_by": alice,
            "closed_at": now,
            "closing_note": "Site livré <enfin>",
        },
        {"status": AssignmentStatus.DONE_NO_HELP, "closed_at": now},
        {
            "status": AssignmentStatus.NOT_FOR_ME,
            "decline_reason": DeclineReason.HORS_TERRITOIRE,
            "decline_note": "Trop loin & 'hors zone'",
            "decided_by": org_admin,
            "declined_at": now,
        },
        {
            "status": AssignmentStatus.NOT_FOR_ME,
            "decline_reason": DeclineReason.AUTRE,
            "declined_at": long_ago,
        },
        {"status": AssignmentStatus.NOT_FOR_ME, "decline_reason": DeclineReason.AUTRE},
        {"status": AssignmentStatus.EXPIRED, "expired_at": long_ago},
        {"status": AssignmentStatus.EXPIRED, "expired_at": now},
    ]
    for i, spec in enumerate(specs):
        enterprise = EnterpriseFactory(
            name=f"L'ATELIER <{i}> & CIE",
            trade_name="Chez « Zoé »" if i % 2 else "",
            qpv=qpv if i % 3 else None,
        )
        AssignmentFactory(enterprise=enterprise, organisation=organisation_a, **spec)
    # Past the grace period, but alice follows it as referent: she still sees it.
    followed = Assignment.objects.get(status=AssignmentStatus.EXPIRED, expired_at=long_ago)
    Enterprise.objects.filter(pk=followed.enterprise_id).update(referent=alice)
    return organisation_a


@pytest.mark.parametrize("who", ["alice", "org_admin", "bob"])
def test_every_tab_shows_the_cards_the_template_showed(request, client, every_kind_of_card, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    shown = ""
    for slug, _, statuses in TABS:
        old = _old_cards(user, every_kind_of_card, statuses)
        assert _new_cards(client, onglet=slug) == old, slug
        shown += old
    # The fixture reaches every part of a card.
    for part in (
        "(fiche plus accessible)",
        '<a href="/entreprises/',
        "Chez « Zoé »",
        "L&#x27;ATELIER &lt;",
        "Ligne 1<br>Ligne &lt;2&gt;",
        "hors QPV",
        "Quartier &lt;Mosson&gt;",
        "orientée par l'équipe de la Métropole",
        "— suivie par sans-nom@example.test",
        "Déclinée par Adèle",
        "Clôturée par Alice",
        "Précision : Site livré &lt;enfin&gt;",
    ):
        assert part in shown, part
    if who != "bob":
        assert "Prendre en charge" in shown and "Continuer" in shown
    assert ('id="colleague-' in shown) == (who == "org_admin")


def test_the_inbox_runs_the_same_queries_for_10_or_200_assignments(
    client, organisation_a, org_admin, alice, staff
):
    def queries(**query):
        client.get(reverse("enterprises:inbox"), query)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("enterprises:inbox"), query)
        assert response.status_code == 200
        return len(captured)

    client.force_login(org_admin)
    counts = []
    for total in (10, 200):
        already = Assignment.objects.count()
        for i in range(already, total):
            status = [AssignmentStatus.QUO, AssignmentStatus.TAKING_CARE][i % 2]
            AssignmentFactory(
                organisation=organisation_a,
                status=AssignmentStatus.NOT_FOR_ME if i % 3 == 0 else status,
                assigned_by=staff,
                handled_by=alice if status == AssignmentStatus.TAKING_CARE else None,
                message="Besoin d'un site",
            )
        counts.append((queries(), queries(onglet="en-cours"), queries(onglet="refuses")))
    assert counts[0] == counts[1]
    # session, user, organisations with their counts, cards, their users, colleagues (the
    # admin); the ids the user sees come from the cache after the first visit (decision
    # 012), and « Déclinées » has no colleagues to offer.
    assert counts[0] == (6, 6, 5)


def test_inbox_memberships_are_inbox_organisations_with_my_role(
    alice, org_admin, bob, organisation_a, organisation_b, staff
):
    MembershipFactory(user=alice, organisation=organisation_b, role=Role.LECTEUR)
    MembershipFactory(user=alice, organisation=OrganisationFactory(is_active=False))
    MembershipFactory(user=alice, organisation=OrganisationFactory(), is_active=False)
    MembershipFactory(user=alice, organisation=OrganisationFactory(), role=Role.ETUDIANT)
    for user in (alice, org_admin, bob, staff):
        memberships = list(perms.inbox_memberships(user))
        assert [m.organisation for m in memberships] == list(perms.inbox_organisations(user))
        for membership in memberships:
            assert membership.role == active_role(user, membership.organisation)
    assert len(perms.inbox_memberships(alice)) == 2


def test_each_organisation_shows_its_own_counts(client, alice, organisation_a, organisation_b):
    MembershipFactory(user=alice, organisation=organisation_b, role=Role.LECTEUR)
    empty = OrganisationFactory(name="Structure C")
    MembershipFactory(user=alice, organisation=empty, role=Role.ADMIN)
    AssignmentFactory.create_batch(3, organisation=organisation_a)
    AssignmentFactory(organisation=organisation_a, status=AssignmentStatus.TAKING_CARE)
    AssignmentFactory.create_batch(2, organisation=organisation_b, status=AssignmentStatus.EXPIRED)
    AssignmentFactory(organisation=OrganisationFactory(name="Structure Z"))
    client.force_login(alice)

    def tabs(**query):
        response = client.get(reverse("enterprises:inbox"), query)
        return response.context["organisation"], [count for _, _, count in response.context["tabs"]]

    assert tabs() == (organisation_a, [3, 1, 0, 0, 0])
    assert tabs(structure=organisation_b.pk) == (organisation_b, [0, 0, 0, 0, 2])
    assert tabs(structure=empty.pk) == (empty, [0, 0, 0, 0, 0])
    assert tabs(structure="autre") == (organisation_a, [3, 1, 0, 0, 0])
    page = client.get(reverse("enterprises:inbox"), {"structure": organisation_b.pk}).content
    assert b"Prendre en charge" not in page  # a lecteur in B
    page = client.get(reverse("enterprises:inbox"), {"structure": empty.pk}).content.decode()
    assert "Rien dans cet onglet." in page
    assert page.count("<option value=") == 3 and "Structure Z" not in page


def test_the_cards_forms_carry_this_requests_csrf_token(alice, organisation_a):
    """The token is the request's own (never cached): the form posts with it."""
    assignment = AssignmentFactory(organisation=organisation_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("enterprises:inbox")).content.decode()
    form = page.split(f'action="/espace/orientations/{assignment.pk}/prendre/">')[1]
    token = re.match(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">', form)
    again = client.get(reverse("enterprises:inbox")).content.decode()
    assert token and token.group(1) not in again
    response = client.post(
        reverse("enterprises:assignment_take", args=[assignment.pk]),
        {"csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.TAKING_CARE


@pytest.mark.parametrize("language", ["fr", "en"])
def test_since_says_what_timesince_says(language):
    now = timezone.now()
    with translation.override(language):
        for minutes in [0, 1, 2, 59, 61, 60 * 25, 60 * 24 * 8, 60 * 24 * 40, 60 * 24 * 800]:
            for extra in range(0, 3):
                moment = now - datetime.timedelta(minutes=minutes + extra * 1441)
                assert since(moment, now) == timesince(moment, now)
