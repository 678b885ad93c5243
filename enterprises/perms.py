"""Who may do what with an enterprise, its orientations and its activities: small
named predicates over the visibility rule (`Enterprise.objects.visible_to`).

Reads go through the visibility rule first (404 outside it); these predicates then
decide writes (403 for a lecteur)."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common.compiled import CompiledQuery
from partners.enums import Role
from partners.models import Membership, Organisation, User
from partners.perms import WRITING_ROLES

from .enums import ENDED_STATUSES, PairingStatus
from .models import Assignment

ACTIVITY_EDIT_DAYS = 30
INBOX_ROLES = (Role.ADMIN, Role.CONSEILLER, Role.LECTEUR)


def writing_organisation_ids(user):
    """Organisations where the user may write (administrateur or conseiller)."""
    return Membership.objects.active().of(user, roles=WRITING_ROLES).values("organisation_id")


def writing_organisations(user):
    """The organisations a user writes for, and logs activities for (staff: all)."""
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.of(user, roles=WRITING_ROLES)


# Whether a user writes for an organisation (writing_organisation_ids, as one row or
# none), compiled to SQL once per process (decision 012): the list and the enterprise's
# forms ask it on every visit. A user that no one is marks the place of the user's id.
WRITES = CompiledQuery(
    lambda user_id: (
        Membership.objects.active().of(User(pk=user_id), roles=WRITING_ROLES).values_list("pk")[:1]
    ),
    user_id=-424_242,
)


def writes_for_an_organisation(user):
    """Whether the user is a conseiller or administrateur of an active organisation."""
    return bool(WRITES(user_id=user.pk))


def can_request_access(user, writes=None):
    """Ask the Métropole for access to an enterprise one cannot see: anyone who writes for
    an organisation (staff already see every enterprise). `writes`: whether the user
    writes for an organisation, when already read."""
    if user.is_staff:
        return False
    return writes_for_an_organisation(user) if writes is None else writes


def can_create_enterprise(user, writes=None):
    """Staff, or anyone who writes for at least one organisation."""
    if user.is_staff:
        return True
    return writes_for_an_organisation(user) if writes is None else writes


def list_rights(user):
    """(can_create_enterprise, can_request_access) with one query: the list offers both,
    and both ask whether the user writes for an organisation."""
    writes = None if user.is_staff else writes_for_an_organisation(user)
    return can_create_enterprise(user, writes), can_request_access(user, writes)


def can_edit_enterprise(user, enterprise):
    """Staff; the referent; a conseiller or administrateur of an organisation it is
    assigned to. Lecteurs only read. `editable_enterprises` is the same rule as a
    queryset (tests/enterprises/test_perms.py keeps the two in agreement)."""
    if user.is_staff or enterprise.referent_id == user.pk:
        return True
    return (
        enterprise.assignments.working()
        .filter(organisation_id__in=writing_organisation_ids(user))
        .exists()
    )


def editable_enterprises(user, queryset):
    """The part of `queryset` the user may edit (and whose contacts they may see)."""
    if user.is_staff:
        return queryset
    assigned = Assignment.objects.working().filter(
        organisation_id__in=writing_organisation_ids(user)
    )
    return queryset.filter(Q(referent=user) | Q(pk__in=assigned.values("enterprise_id")))


def can_see_contacts(user, enterprise, editable=None):
    """Contacts are personal data: only those who work with the enterprise see them (an
    orientation declined or expired stops showing them at once). `editable`: what
    can_edit_enterprise already answered for them, when the page asked (no second query)."""
    return can_edit_enterprise(user, enterprise) if editable is None else editable


def can_close_parcours(user, enterprise):
    """Close the parcours as « autonome » after an autonomous session: whoever may edit
    the enterprise, or who has met it in one of their own activities."""
    return (
        can_edit_enterprise(user, enterprise)
        or enterprise.participations.filter(activity__author=user).exists()
    )


# A user's active memberships as (organisation id, role), compiled once per process: the
# enterprise page reads them with its other queries (decision 012), for the
# organisations the user writes for (WRITING_ROLES, as writing_organisation_ids) and
# the answers they may read.
MEMBERSHIPS = CompiledQuery(
    lambda user_id: (
        Membership.objects.active().filter(user_id=user_id).values_list("organisation_id", "role")
    ),
    user_id=-424_242,
)


def can_edit_from(user, referent_id, writing, orientations):
    """can_edit_enterprise from what the enterprise page has read: its referent's id, the
    ids of the organisations the user writes for (`writing`, from MEMBERSHIPS) and its
    orientations as (organisation id, status) pairs. The same rule: staff, the
    referent, or an orientation one of those organisations works on (not declined, not
    expired: Assignment.objects.working)."""
    if user.is_staff or referent_id == user.pk:
        return True
    return any(
        status not in ENDED_STATUSES and organisation_id in writing
        for organisation_id, status in orientations
    )


def can_log_activity(user, writes=None):
    """Staff, or a conseiller or administrateur of an active organisation; lecteurs
    only read. `writes`: whether the user writes for an organisation, when already read."""
    if user.is_staff:
        return True
    return writes_for_an_organisation(user) if writes is None else writes


def can_edit_activity(user, activity, today=None):
    """Authors edit (and delete) their own activities for 30 days after logging them;
    staff always."""
    if user.is_staff:
        return True
    today = today or timezone.localdate()
    age = (today - timezone.localdate(activity.created_at)).days
    return activity.author_id == user.pk and age <= ACTIVITY_EDIT_DAYS


def can_see_activity_notes(user, activity):
    """An activity's free notes are its author's (and staff's): other readers of the
    activity do not see them."""
    return user.is_staff or activity.author_id == user.pk


def can_assign(user, writes=None):
    """Orient an enterprise towards partners: staff; conseillers and administrateurs
    too when the Métropole allows it (ASSIGNMENTS_BY_CONSEILLERS). `writes`:
    whether the user writes for an organisation, when already read."""
    if user.is_staff:
        return True
    if not settings.ASSIGNMENTS_BY_CONSEILLERS:
        return False
    return writes_for_an_organisation(user) if writes is None else writes


def inbox_organisations(user):
    """The organisations whose inbox the user opens: their own (staff included), not those
    where they are a student (a student sees only the pairings they follow)."""
    return Organisation.objects.of(user, roles=INBOX_ROLES)


def inbox_memberships(user):
    """The same organisations as inbox_organisations, through the user's memberships in
    them (one per user and organisation), so that the inbox reads its organisations and
    the user's role in each (partners.perms.active_role) in one query, by name."""
    return (
        Membership.objects.active()
        .of(user, roles=INBOX_ROLES)
        .order_by("organisation__name", "organisation_id")
    )


def can_act_in_inbox(role):
    """Take in charge, decline, close: conseillers and administrateurs, not lecteurs.
    `role` is the user's role in the inbox's organisation (partners.perms.active_role)."""
    return role in WRITING_ROLES


def can_hand_over(role):
    """Hand an assignment to a colleague: the organisation's administrateur only."""
    return role == Role.ADMIN


# --- Pair à pair -----------------------------------------------------------------------


def can_propose_pair(user, enterprise):
    """Propose an « autonome » enterprise as a pair, or withdraw it: whoever may edit it."""
    return can_edit_enterprise(user, enterprise)


def can_manage_pairing(user, pairing):
    """Record agreements, end a pairing, choose its students: staff, who proposed it, and
    whoever may edit the beginner enterprise."""
    if user.is_staff or pairing.proposed_by_id == user.pk:
        return True
    return can_edit_enterprise(user, pairing.mentee)


def follows_pairing(user, pairing):
    """A student (active « étudiant·e » membership) following this pairing."""
    return (
        pairing.students.filter(pk=user.pk).exists()
        and Membership.objects.active().of(user, roles=[Role.ETUDIANT]).exists()
    )


def can_log_pair_session(user, pairing):
    """Log a pair session of a pairing under way: its conseillers (as they log any
    session) and the students who follow it."""
    if pairing.status != PairingStatus.ACTIVE:
        return False
    if can_manage_pairing(user, pairing) and can_log_activity(user):
        return True
    return follows_pairing(user, pairing)


def student_organisations(user):
    """The organisations where the user is a student: their pair sessions count there."""
    return Organisation.objects.of(user, roles=[Role.ETUDIANT])
