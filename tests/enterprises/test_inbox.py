import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import AssignmentStatus
from enterprises.models import Assignment, Enterprise
from enterprises.notifications import send_reminders, send_weekly_digests
from partners.enums import Role

from ..factories import AssignmentFactory, EnterpriseFactory, MembershipFactory, UserFactory, text

pytestmark = pytest.mark.django_db


def test_staff_assign_the_partner_takes_it_and_closes_it(
    client, staff, alice, charlie, organisation_a, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(name="PRIMEUR DU MAIL")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:assign", args=[enterprise.pk]),
            {"organisations": [organisation_a.pk], "message": "Besoin d'un site"},
        )
    assert response.status_code == 302
    [new] = [m for m in mail.outbox if m.to == ["alice@example.test"]]
    assert "PRIMEUR DU MAIL" in new.subject and "Besoin d'un site" in new.body
    assert Enterprise.objects.visible_to(alice).get() == enterprise
    assert not Enterprise.objects.visible_to(charlie).exists()

    client.force_login(alice)
    inbox = text(client.get(reverse("enterprises:inbox")))
    assert "PRIMEUR DU MAIL" in inbox and 'À traiter <span class="count">1</span>' in inbox
    assignment = Assignment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:assignment_take", args=[assignment.pk]))
        asked = client.post(
            reverse("enterprises:assignment_close", args=[assignment.pk]),
            {"outcome": "done", "note": "site livré"},
        )
        # The first post only asks for confirmation: nothing is closed yet.
        assert "Confirmer la clôture" in text(asked)
        assert Assignment.objects.get().status == AssignmentStatus.TAKING_CARE
        client.post(
            reverse("enterprises:assignment_close", args=[assignment.pk]),
            {"outcome": "done", "note": "site livré", "confirm": "1"},
        )
    assignment.refresh_from_db()
    assert (
        assignment.status == AssignmentStatus.DONE and assignment.taken_at and assignment.closed_at
    )
    assert assignment.handled_by == alice
    told = [m for m in mail.outbox if m.to == ["staff@example.test"]]
    assert [("pris en charge" in m.subject, "clôturé" in m.subject) for m in told] == [
        (True, False),
        (False, True),
    ]
    assert told[1].subject == (
        "Structure A a clôturé l'orientation de « PRIMEUR DU MAIL » (aide proposée)"
    )
    assert "site livré" in told[1].body and "décision de" in told[1].body
    assert assignment.decided_by == alice
    closed_tab = text(client.get(reverse("enterprises:inbox") + "?onglet=clotures"))
    assert "Précision : site livré" in closed_tab and "Clôturées" in closed_tab
    detail = text(client.get(reverse("enterprises:detail", args=[enterprise.pk])))
    assert "Orientation clôturée par" in detail and "site livré" in detail
    history = list(
        assignment.history.order_by("history_date").values_list("status", "history_user__email")
    )
    assert history[-1] == ("done", "alice@example.test")


def test_assigning_twice_is_refused_with_the_existing_one(client, staff, organisation_a):
    enterprise = EnterpriseFactory()
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a, assigned_by=staff)
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:assign", args=[enterprise.pk]), {"organisations": [organisation_a.pk]}
    )
    assert "est déjà orientée vers « Structure A » depuis le" in text(response)
    assert Assignment.objects.count() == 1


def test_declining_needs_a_reason_and_closing_needs_taking_in_charge(client, alice, organisation_a):
    assignment = AssignmentFactory(organisation=organisation_a)
    client.force_login(alice)
    response = client.post(
        reverse("enterprises:assignment_decline", args=[assignment.pk]), {"reason": ""}, follow=True
    )
    assert "Indiquez le motif du refus." in text(response)
    response = client.post(
        reverse("enterprises:assignment_close", args=[assignment.pk]),
        {"outcome": "done"},
        follow=True,
    )
    assert "sans l'avoir prise en charge" in text(response)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.QUO
    client.post(
        reverse("enterprises:assignment_decline", args=[assignment.pk]),
        {"reason": "pas_de_capacite"},
    )
    assignment.refresh_from_db()
    assert (
        assignment.status == AssignmentStatus.NOT_FOR_ME
        and assignment.decline_reason == "pas_de_capacite"
    )


def test_the_admin_hands_an_assignment_to_a_colleague(
    client, org_admin, alice, bob, organisation_a
):
    assignment = AssignmentFactory(organisation=organisation_a)
    client.force_login(alice)
    assert (
        client.post(
            reverse("enterprises:assignment_hand_over", args=[assignment.pk]), {"colleague": bob.pk}
        ).status_code
        == 403
    )
    client.force_login(org_admin)
    client.post(
        reverse("enterprises:assignment_hand_over", args=[assignment.pk]), {"colleague": alice.pk}
    )
    assignment.refresh_from_db()
    assert assignment.handled_by == alice and assignment.status == AssignmentStatus.TAKING_CARE


def test_a_lecteur_reads_the_inbox_but_cannot_act(client, bob, organisation_a):
    assignment = AssignmentFactory(organisation=organisation_a)
    client.force_login(bob)
    page = text(client.get(reverse("enterprises:inbox")))
    assert str(assignment.enterprise) in page and "Prendre en charge" not in page
    assert (
        client.post(reverse("enterprises:assignment_take", args=[assignment.pk])).status_code == 403
    )


class TestReminders:
    @pytest.fixture
    def pending(self, organisation_a, alice, staff):
        start = timezone.now()
        assignment = AssignmentFactory(
            organisation=organisation_a, assigned_by=staff, created_at=start
        )
        return assignment, start

    def run(self, start, days, capture):
        with capture(execute=True):
            return send_reminders(now=start + datetime.timedelta(days=days))

    def test_the_clock_moved_forward_sends_exactly_what_is_due(
        self, pending, django_capture_on_commit_callbacks
    ):
        assignment, start = pending
        assert self.run(start, 8, django_capture_on_commit_callbacks)["emails"] == 0
        done = self.run(start, 9, django_capture_on_commit_callbacks)
        assert (done["first"], done["emails"]) == (1, 1)
        assert (
            self.run(start, 9, django_capture_on_commit_callbacks)["emails"] == 0
        )  # twice: nothing twice
        assert self.run(start, 20, django_capture_on_commit_callbacks)["emails"] == 0
        done = self.run(start, 21, django_capture_on_commit_callbacks)
        assert (done["last"], done["emails"]) == (1, 1)
        done = self.run(start, 45, django_capture_on_commit_callbacks)
        assert done["expired"] == 1
        assignment.refresh_from_db()
        assert assignment.status == AssignmentStatus.EXPIRED
        subjects = [(m.to[0], m.subject) for m in mail.outbox]
        assert [s for _, s in subjects if "Rappel" in s or "Dernière" in s or "expirée" in s] == [
            "Rappel : 1 entreprise en attente de réponse",
            "Dernière relance : 1 entreprise en attente de réponse",
            f"Orientation expirée sans réponse : {assignment.enterprise} (Structure A)",
        ]
        assert subjects[-1][0] == "staff@example.test"

    def test_never_two_reminders_within_three_days(
        self, pending, organisation_a, staff, django_capture_on_commit_callbacks
    ):
        _assignment, start = pending
        self.run(start, 9, django_capture_on_commit_callbacks)
        AssignmentFactory(
            organisation=organisation_a,
            assigned_by=staff,
            created_at=start + datetime.timedelta(days=2),
        )
        assert self.run(start, 11, django_capture_on_commit_callbacks)["emails"] == 0
        assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1

    def test_weekly_digest_instead_of_one_email_per_enterprise(
        self, organisation_a, staff, django_capture_on_commit_callbacks
    ):
        weekly = UserFactory(email="hebdo@example.test", email_frequency="weekly")
        MembershipFactory(user=weekly, organisation=organisation_a, role=Role.CONSEILLER)
        from enterprises.notifications import assign

        with django_capture_on_commit_callbacks(execute=True):
            assign(EnterpriseFactory(), organisation_a, by=staff)
            assert not [m for m in mail.outbox if m.to == ["hebdo@example.test"]]
            assert send_weekly_digests() == 1
            assert send_weekly_digests() == 0
        [digest] = [m for m in mail.outbox if m.to == ["hebdo@example.test"]]
        assert digest.subject == "Récapitulatif de la semaine : 1 orientation en cours"


def test_partner_followup_figures_from_a_hand_built_fixture(
    client, staff, organisation_a, organisation_b
):
    from grant.indicators import partner_followup

    now = timezone.now()
    day = datetime.timedelta(days=1)
    AssignmentFactory(
        organisation=organisation_a,
        created_at=now - 10 * day,
        taken_at=now - 8 * day,
        status="done",
    )
    AssignmentFactory(
        organisation=organisation_a,
        created_at=now - 10 * day,
        taken_at=now - 6 * day,
        status="done_no_help",
    )
    AssignmentFactory(organisation=organisation_a, created_at=now - 10 * day, status="not_for_me")
    AssignmentFactory(organisation=organisation_a, created_at=now - 5 * day)
    AssignmentFactory(organisation=organisation_b, created_at=now - 400 * day)  # outside the period
    rows = partner_followup(timezone.localdate() - 30 * day, timezone.localdate())
    [row] = rows
    assert (row["organisation__name"], row["total"]) == ("Structure A", 4)
    assert (
        row["response_rate"],
        row["take_charge_rate"],
        row["refusal_rate"],
        row["helped_share"],
    ) == (75, 50, 25, 50)
    assert str(row["median_days"]) == "3.0"
    client.force_login(staff)
    assert "Structure A" in text(client.get(reverse("grant:partners")))


def test_staff_assign_a_selection_from_the_admin(
    client, staff, organisation_a, django_capture_on_commit_callbacks
):
    enterprises = EnterpriseFactory.create_batch(2)
    AssignmentFactory(enterprise=enterprises[0], organisation=organisation_a)
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_changelist")
    data = {"action": "assign_to", "_selected_action": [e.pk for e in enterprises]}
    assert "Structures partenaires" in text(client.post(url, data))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**data, "apply": "1", "organisations": [organisation_a.pk]}, follow=True
        )
    page = text(response)
    assert "1 orientation(s) créée(s)" in page and "est déjà orientée vers « Structure A »" in page
    assert Assignment.objects.filter(organisation=organisation_a).count() == 2


def test_the_inbox_shows_25_assignments_a_page(client, alice, organisation_a):
    AssignmentFactory.create_batch(30, organisation=organisation_a)
    client.force_login(alice)
    first = client.get(reverse("enterprises:inbox"))
    assert first.content.decode().count('<li class="card">') == 25
    assert first.context["tabs"][0][2] == 30
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get(reverse("enterprises:inbox"), {"onglet": "a-traiter", "page": 2})
    assert second.content.decode().count('<li class="card">') == 5

    def taken(response):
        return set(re.findall(r"/espace/orientations/(\d+)/prendre/", response.content.decode()))

    assert len(taken(first) | taken(second)) == 30


def test_every_card_offers_the_reasons_outcomes_and_colleagues(
    client, org_admin, alice, organisation_a
):
    """Written once per page in the view (decision 011), shown in every card that needs them."""
    waiting = AssignmentFactory.create_batch(2, organisation=organisation_a)
    client.force_login(org_admin)
    page = client.get(reverse("enterprises:inbox")).content.decode()
    for assignment in waiting:
        assert f'id="reason-{assignment.pk}" required><option value="">—</option>' in page
        select = page.split(f'id="colleague-{assignment.pk}">')[1].split("</select>")[0]
        assert f'<option value="{alice.pk}">' in select
    assert page.count('<option value="pas_de_capacite">') == 2
    AssignmentFactory(organisation=organisation_a, status=AssignmentStatus.TAKING_CARE)
    taken = client.get(reverse("enterprises:inbox"), {"onglet": "en-cours"}).content.decode()
    assert '<input type="radio" name="outcome" value="done" required>' in taken
