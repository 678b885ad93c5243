"""The visibility ids kept under the data's version (decision 012): a change of who sees
what shows on the very next page, and the kept ids are always the rule's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.enums import AssignmentStatus
from enterprises.models import Enterprise, Participation
from enterprises.models.registry import sight_ids
from partners.enums import Role
from tests.factories import (
    ActivityFactory,
    AssignmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    OrganisationFactory,
    PairingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def listed(client):
    page = client.get(reverse("enterprises:list")).context["page"]
    return {enterprise.name for enterprise in page.object_list}


def test_kept_ids_are_the_rules(alice, organisation_a):
    for _ in range(3):
        AssignmentFactory(enterprise=EnterpriseFactory(), organisation=organisation_a)
    EnterpriseFactory(referent=alice)
    EnterpriseFactory()  # nobody's
    live = set(Enterprise.objects.visible_to(alice).values_list("pk", flat=True))
    assert set(sight_ids(alice)) == live and len(live) == 4
    assert set(sight_ids(alice)) == live  # read back from the cache: the same


def test_a_new_orientation_shows_at_once(client, alice, organisation_a):
    client.force_login(alice)
    assert listed(client) == set()
    AssignmentFactory(enterprise=EnterpriseFactory(name="BOULANGERIE"), organisation=organisation_a)
    assert listed(client) == {"BOULANGERIE"}


def test_leaving_the_organisation_hides_at_once(client, alice, organisation_a):
    AssignmentFactory(enterprise=EnterpriseFactory(name="BOULANGERIE"), organisation=organisation_a)
    client.force_login(alice)
    assert listed(client) == {"BOULANGERIE"}
    membership = alice.memberships.get()
    membership.is_active = False
    membership.save()
    assert listed(client) == set()


def test_an_organisation_closed_hides_at_once(client, alice, organisation_a):
    AssignmentFactory(enterprise=EnterpriseFactory(name="BOULANGERIE"), organisation=organisation_a)
    client.force_login(alice)
    assert listed(client) == {"BOULANGERIE"}
    organisation_a.is_active = False
    organisation_a.save()
    assert listed(client) == set()


def test_a_declined_orientation_past_its_grace_hides_at_once(client, alice, organisation_a):
    assignment = AssignmentFactory(
        enterprise=EnterpriseFactory(name="BOULANGERIE"),
        organisation=organisation_a,
        status=AssignmentStatus.NOT_FOR_ME,
        declined_at=timezone.now(),
    )
    client.force_login(alice)
    assert listed(client) == {"BOULANGERIE"}
    assignment.declined_at = timezone.now() - datetime.timedelta(days=400)
    assignment.save()
    assert listed(client) == set()


def test_a_logged_activity_and_a_pairing_show_at_once(client, organisation_a):
    student = UserFactory()
    MembershipFactory(user=student, organisation=organisation_a, role=Role.ETUDIANT)
    pairing = PairingFactory(mentee=EnterpriseFactory(name="MENTEE"))
    client.force_login(student)
    assert listed(client) == set()
    pairing.students.add(student)  # an m2m change, not a save
    assert "MENTEE" in listed(client)
    pairing.students.remove(student)
    assert "MENTEE" not in listed(client)

    author = UserFactory()
    MembershipFactory(user=author, organisation=OrganisationFactory(), role=Role.CONSEILLER)
    client.force_login(author)
    assert listed(client) == set()
    Participation.objects.create(
        activity=ActivityFactory(author=author), enterprise=EnterpriseFactory(name="RENCONTRÉE")
    )
    assert listed(client) == {"RENCONTRÉE"}


def test_sees_answers_as_the_rule(alice, charlie, staff, organisation_a):
    mine = AssignmentFactory(enterprise=EnterpriseFactory(), organisation=organisation_a)
    others = EnterpriseFactory()
    for user in (alice, charlie, staff):
        for enterprise in (mine.enterprise, others):
            live = Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()
            assert Enterprise.objects.sees(user, enterprise.pk) is live
