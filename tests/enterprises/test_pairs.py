"""Pair à pair: a pairing from proposal to its end, consent withdrawal, suggestions."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import PairingStatus, Stage
from enterprises.models import Activity, Consent, Pair, Pairing, PairSession
from enterprises.models.pairs import suggest_pairs
from grant.indicators import pair_figures, pair_rows, period_activities
from partners.enums import Role
from programme.models import Term

from ..factories import (
    AssignmentFactory,
    ContactFactory,
    EnterpriseFactory,
    MembershipFactory,
    NafCodeFactory,
    OrganisationFactory,
    PairFactory,
    PairingFactory,
    QpvFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def theme(code):
    return Term.objects.get(family__in=["thematique", "thematique_tpe"], code=code)


def link_in(message):
    return re.search(r"http://\S+/(?:accord|consentement)/\S+/", message.body).group(0)


def path_of(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.fixture
def beginner(organisation_a, reference_data):
    enterprise = EnterpriseFactory(name="BOULANGERIE DU MAIL")
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    ContactFactory(enterprise=enterprise, email="debut@exemple.test")
    return enterprise


@pytest.fixture
def veteran(organisation_a, reference_data):
    """An enterprise that went through the parcours (autonome), with its contact."""
    enterprise = EnterpriseFactory(name="FLEURS DE LA MOSSON", stage=Stage.AUTONOME)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    ContactFactory(enterprise=enterprise, email="pair@exemple.test")
    return enterprise


def propose_pair(client, enterprise, topics):
    return client.post(
        reverse("enterprises:pair_create", args=[enterprise.pk]),
        {
            "contact": enterprise.contacts.first().pk,
            "topics": [t.pk for t in topics],
            "presentation": "Fleuriste, je vends en ligne depuis un an.",
            "agreed": "on",
        },
    )


def pair_session(client, pairing, **data):
    values = {
        "date": timezone.localdate().isoformat(),
        "duration_preset": "60",
        "place_type": "domicile",
        "themes": [theme("site_internet").pk],
    } | data
    return client.post(reverse("enterprises:pairing_session", args=[pairing.pk]), values)


def test_a_pairing_from_proposal_to_two_pair_sessions_and_its_end(
    client, alice, beginner, veteran, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    site = theme("site_internet")
    with django_capture_on_commit_callbacks(execute=True):
        assert propose_pair(client, veteran, [site]).status_code == 302
    pair = Pair.objects.get(enterprise=veteran)
    assert pair.is_available and pair.consent.recorded_by == alice
    assert "site internet" in pair.consent.text.lower()
    assert mail.outbox[-1].to == ["pair@exemple.test"]  # the text accepted, a withdrawal link

    # The conseiller opens « Trouver un pair »: the pair comes first, with why.
    page = client.get(reverse("enterprises:pairing_create", args=[beginner.pk]))
    assert page.status_code == 200
    assert page.context["suggestions"][0][0] == pair
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enterprises:pairing_create", args=[beginner.pk]),
            {"pair": pair.pk, "topics": [site.pk], "send_links": "on"},
        )
    pairing = Pairing.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{pairing.pk}/")
    assert pairing.status == PairingStatus.PROPOSED and pairing.proposed_by == alice
    links = {m.to[0]: link_in(m) for m in mail.outbox}
    assert set(links) == {"debut@exemple.test", "pair@exemple.test"}

    # The beginner agrees by the signed link (no account): a page, then the button.
    client.logout()
    url = path_of(links["debut@exemple.test"])
    assert "Je suis d'accord" in client.get(url).content.decode()
    pairing.refresh_from_db()
    assert pairing.mentee_agreed_at is None  # following the link alone agrees to nothing
    assert "votre accord est enregistré" in client.post(url).content.decode()
    pairing.refresh_from_db()
    assert pairing.mentee_agreement == "lien" and pairing.status == PairingStatus.PROPOSED
    tampered = url[:-3] + "xx/"
    assert client.get(tampered).status_code == 404

    # The pair said yes by phone: the conseiller records it, and the pairing starts.
    client.force_login(alice)
    client.post(
        reverse("enterprises:pairing_record_agreement", args=[pairing.pk]), {"side": "pair"}
    )
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.pair_agreement == "conseiller" and pairing.started_on == timezone.localdate()

    # Two pair sessions, activities of their own kind about the beginner.
    assert pair_session(client, pairing).status_code == 302
    assert pair_session(client, pairing, duration_preset="90").status_code == 302
    sessions = Activity.objects.filter(kind="pair_a_pair")
    assert sessions.count() == 2 == PairSession.objects.filter(pairing=pairing).count()
    assert {p.enterprise for a in sessions for p in a.participations.all()} == {beginner}
    beginner.refresh_from_db()
    assert beginner.stage == Stage.ACCOMPAGNEE  # the first session moved the parcours
    page = client.get(reverse("enterprises:pairing", args=[pairing.pk])).content.decode()
    assert "Séances pair à pair (2)" in page

    today = timezone.localdate()
    figures = dict(pair_rows(pair_figures(period_activities(today, today), today, today)))
    assert figures["Mises en relation pair à pair commencées"] == 1
    assert figures["Mises en relation pair à pair actives"] == 1
    assert figures["Séances pair à pair"] == 2
    assert figures["Heures de séances pair à pair"] == Decimal("2.5")
    assert figures["Entreprises aidées par un pair"] == 1
    assert figures["Mises en relation pair à pair terminées"] == 0

    # Its end, with an outcome; no session after the end.
    response = client.post(
        reverse("enterprises:pairing_end", args=[pairing.pk]),
        {"outcome": "atteint", "note": "boutique en ligne ouverte"},
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.outcome, pairing.ended_on) == ("terminee", "atteint", today)
    assert pair_figures(period_activities(today, today), today, today)["ended"] == 1
    assert pair_session(client, pairing).status_code == 403


def test_a_session_can_be_edited_by_its_author(client, alice, organisation_a, reference_data):
    pairing = PairingFactory(status="en_cours", proposed_by=alice)
    AssignmentFactory(enterprise=pairing.mentee, organisation=organisation_a)
    client.force_login(alice)
    pair_session(client, pairing)
    activity = Activity.objects.get()
    url = reverse("enterprises:activity_edit", args=[activity.pk])
    assert client.get(url).status_code == 200
    values = {
        "date": activity.date.isoformat(),
        "duration_preset": "30",
        "place_type": "a_distance",
        "themes": [theme("site_internet").pk],
    }
    assert client.post(url, values).status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.duration) == ("pair_a_pair", 30)


def test_consent_withdrawal_hides_the_pair_at_once(
    client, alice, beginner, veteran, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        propose_pair(client, veteran, [theme("site_internet")])
    pair = Pair.objects.get()
    pairing = PairingFactory(pair=pair, mentee=beginner, proposed_by=alice)
    assert str(veteran) in client.get(reverse("enterprises:pairs")).content.decode()
    withdraw = path_of(link_in(mail.outbox[-1]))

    client.logout()
    assert "Retirer mon accord maintenant" in client.get(withdraw).content.decode()
    assert Consent.objects.get().withdrawn_at is None
    assert "est retiré" in client.post(withdraw).content.decode()

    client.force_login(alice)
    assert Consent.objects.get().withdrawn_at is not None
    assert "Pairs disponibles (0)" in client.get(reverse("enterprises:pairs")).content.decode()
    assert suggest_pairs(beginner) == []
    page = client.get(reverse("enterprises:pairing_create", args=[beginner.pk]))
    assert page.context["suggestions"] == []
    response = client.post(
        reverse("enterprises:pairing_create", args=[beginner.pk]), {"pair": pair.pk}
    )
    assert response.status_code == 200 and not response.context["form"].is_valid()
    pairing.refresh_from_db()
    assert (pairing.status, pairing.outcome) == ("annulee", "retrait")


def test_the_conseiller_can_withdraw_for_the_entrepreneur(client, alice, veteran):
    pair = PairFactory(enterprise=veteran)
    client.force_login(alice)
    client.post(reverse("enterprises:pair_withdraw", args=[veteran.pk]))
    assert not Pair.objects.available().filter(pk=pair.pk).exists()
    # Agreeing again makes a new consent for the same pair.
    propose_pair(client, veteran, [theme("site_internet")])
    assert Pair.objects.available().get() == pair
    assert Consent.objects.filter(enterprise=veteran).count() == 2


def test_only_an_autonomous_enterprise_with_consent_becomes_a_pair(client, alice, beginner):
    client.force_login(alice)
    response = propose_pair(client, beginner, [theme("site_internet")])
    assert response.status_code == 302 and not Pair.objects.exists()
    beginner.stage = Stage.AUTONOME
    beginner.save()
    response = client.post(
        reverse("enterprises:pair_create", args=[beginner.pk]),
        {"contact": beginner.contacts.get().pk, "topics": [theme("site_internet").pk]},
    )
    assert response.status_code == 200 and "agreed" in response.context["form"].errors
    assert response.context["form"]["topics"].value() == [str(theme("site_internet").pk)]
    assert not Pair.objects.exists()


def test_suggestions_rank_topics_then_sector_then_neighbourhood(reference_data):
    mosson = QpvFactory(name="Quartier test", commune="Montpellier")
    cevennes = QpvFactory(name="Quartier voisin", commune="Montpellier")
    commerce = NafCodeFactory(code="47.11B", section="G")
    other_naf = NafCodeFactory(code="96.02A", section="S", section_label="AUTRES SERVICES")
    mentee = EnterpriseFactory(naf=commerce, qpv=mosson)
    site, social = theme("site_internet"), theme("reseaux_sociaux")
    topical = PairFactory(enterprise__naf=other_naf, enterprise__name="A")
    topical.topics.set([site, social])
    same_sector = PairFactory(enterprise__naf=commerce, enterprise__name="B")
    neighbour = PairFactory(enterprise__naf=other_naf, enterprise__qpv=cevennes)
    unrelated = PairFactory(enterprise__naf=other_naf, enterprise__name="Z")
    ranked = suggest_pairs(mentee, [site, social])
    assert [p for p, _, _ in ranked] == [topical, same_sector, neighbour, unrelated]
    assert [s for _, s, _ in ranked] == [6, 2, 1, 0]
    assert ranked[2][2] == ["quartier voisin (Quartier voisin)"]
    PairingFactory(pair=topical, mentee=mentee)  # already proposed: not suggested again
    assert topical not in [p for p, _, _ in suggest_pairs(mentee, [site])]


def test_the_figures_page_is_for_staff(client, staff, alice):
    client.force_login(alice)
    assert client.get(reverse("grant:pair_figures")).status_code == 404
    client.force_login(staff)
    page = client.get(reverse("grant:pair_figures")).content.decode()
    assert "Entreprises aidées par un pair" in page and "séance pair à pair" in page


def test_a_student_logs_the_sessions_of_the_pairing_they_follow(
    client, alice, organisation_a, reference_data
):
    university = OrganisationFactory(name="Université de Montpellier", kind="universite")
    student = UserFactory(email="etudiant@example.test")
    MembershipFactory(user=student, organisation=university, role=Role.ETUDIANT)
    followed = PairingFactory(status="en_cours", proposed_by=alice)
    other = PairingFactory(status="en_cours", proposed_by=alice)
    followed.students.add(student)
    client.force_login(student)
    assert pair_session(client, followed).status_code == 302
    activity = Activity.objects.get()
    assert (activity.kind, activity.author, activity.organisation) == (
        "pair_a_pair",
        student,
        university,
    )
    assert pair_session(client, other).status_code == 404
    pairs_page = client.get(reverse("enterprises:pairs"))
    assert [p.pk for p in pairs_page.context["pairings"]] == [followed.pk]
    # A student cannot log an ordinary session, nor a pair session once the membership
    # ends (the beginner they met stays visible to them, as to anyone who logged with it).
    log = reverse("enterprises:log_session", args=[followed.mentee.pk])
    assert client.post(log, {}).status_code == 403
    student.memberships.update(is_active=False)
    assert pair_session(client, followed).status_code == 403
    pair_page = reverse("enterprises:detail", args=[followed.pair.enterprise_id])
    assert client.get(pair_page).status_code == 404
