"""The predicates of enterprises/perms.py, and the agreement of their two forms."""

import datetime

import pytest
from django.utils import timezone

from enterprises import perms
from enterprises.models import Enterprise, Participation
from partners.enums import Role
from partners.models import Membership, Organisation

from ..factories import (
    ActivityFactory,
    AssignmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice, bob, charlie, staff, organisation_a):
    """Who is who around one enterprise assigned to organisation A."""
    referent = UserFactory(email="referente@example.test")
    author = UserFactory(email="auteur@example.test")
    MembershipFactory(user=author, organisation=organisation_a, role=Role.LECTEUR)
    enterprise = EnterpriseFactory(referent=referent)
    AssignmentFactory(enterprise=enterprise, organisation=organisation_a)
    activity = ActivityFactory(author=author, organisation=organisation_a)
    Participation.objects.create(activity=activity, enterprise=enterprise)
    EnterpriseFactory()  # nobody's but staff's
    return {
        "owner": alice,
        "reader": bob,
        "outsider": charlie,
        "staff": staff,
        "referent": referent,
        "activity author": author,
    }, enterprise


EXPECTED_EDIT = {
    "owner": True,
    "reader": False,
    "outsider": False,
    "staff": True,
    "referent": True,
    "activity author": False,
}


def test_may_edit_an_enterprise_agrees_as_predicate_and_queryset(people):
    users, enterprise = people
    everything = Enterprise.objects.all()
    for who, user in users.items():
        predicate = perms.can_edit_enterprise(user, enterprise)
        queryset = perms.editable_enterprises(user, everything).filter(pk=enterprise.pk).exists()
        assert predicate == queryset == EXPECTED_EDIT[who], who
        # Each editable enterprise of the queryset passes the predicate, and only those.
        editable = set(perms.editable_enterprises(user, everything))
        assert editable == {e for e in everything if perms.can_edit_enterprise(user, e)}, who


def test_who_may_close_a_parcours(people):
    users, enterprise = people
    allowed = {who for who, user in users.items() if perms.can_close_parcours(user, enterprise)}
    # Whoever edits it, and the author of an activity with it (even a lecteur).
    assert allowed == {"owner", "staff", "referent", "activity author"}


def test_activity_notes_and_edits_belong_to_the_author_and_staff(people, alice):
    users, enterprise = people
    activity = enterprise.participations.get().activity
    seeing = {w for w, u in users.items() if perms.can_see_activity_notes(u, activity)}
    assert seeing == {"staff", "activity author"}
    author, staff = users["activity author"], users["staff"]
    late = timezone.localdate(activity.created_at) + datetime.timedelta(days=31)
    assert perms.can_edit_activity(author, activity)
    assert not perms.can_edit_activity(author, activity, today=late)
    assert perms.can_edit_activity(staff, activity, today=late)
    assert not perms.can_edit_activity(alice, activity)


def test_logging_and_assigning_need_a_writing_role(people, settings):
    users, _ = people
    logging = {w for w, u in users.items() if perms.can_log_activity(u)}
    assert logging == {"owner", "outsider", "staff"}
    settings.ASSIGNMENTS_BY_CONSEILLERS = False
    assert {w for w, u in users.items() if perms.can_assign(u)} == {"staff"}
    settings.ASSIGNMENTS_BY_CONSEILLERS = True
    assert {w for w, u in users.items() if perms.can_assign(u)} == {"owner", "outsider", "staff"}


def test_inbox_roles():
    assert perms.can_act_in_inbox(Role.CONSEILLER) and perms.can_act_in_inbox(Role.ADMIN)
    assert not perms.can_act_in_inbox(Role.LECTEUR) and not perms.can_act_in_inbox(None)
    assert perms.can_hand_over(Role.ADMIN) and not perms.can_hand_over(Role.CONSEILLER)


def test_my_organisations_leave_out_inactive_memberships_and_organisations(
    alice, organisation_a, organisation_b
):
    assert list(Organisation.objects.of(alice)) == [organisation_a]
    assert list(Organisation.objects.of(alice, roles=[Role.LECTEUR])) == []
    MembershipFactory(user=alice, organisation=organisation_b, role=Role.LECTEUR)
    assert set(Organisation.objects.of(alice)) == {organisation_a, organisation_b}
    assert list(Organisation.objects.of(alice, roles=[Role.LECTEUR])) == [organisation_b]
    Organisation.objects.filter(pk=organisation_b.pk).update(is_active=False)
    Membership.objects.filter(organisation=organisation_a).update(is_active=False)
    assert list(Organisation.objects.of(alice)) == []
    assert Membership.objects.active().of(alice).count() == 0
    assert Membership.objects.of(alice).count() == 2
