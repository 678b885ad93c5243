"""Who may do what in an organisation: small named predicates."""

from .enums import OrganisationKind, Role
from .models import Membership, Organisation

WRITING_ROLES = (Role.ADMIN, Role.CONSEILLER)


def active_role(user, organisation):
    """The user's role in the organisation, or None without an active membership."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .of(user)
        .filter(organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def can_see_organisation(user, organisation):
    """Staff see every organisation; members see their own."""
    return user.is_staff or active_role(user, organisation) is not None


def can_manage_members(user, organisation):
    """Staff, or the organisation's administrateur: invite, change roles, deactivate."""
    return user.is_staff or active_role(user, organisation) == Role.ADMIN


def can_write(user, organisation):
    """Staff, administrateurs and conseillers write; lecteurs only read."""
    return user.is_staff or active_role(user, organisation) in WRITING_ROLES


def manageable_organisations(user):
    """The organisations whose members the user may manage (staff: use the admin)."""
    if user.is_staff:
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.of(user, roles=[Role.ADMIN])


def visible_organisations(user):
    """The organisations whose page the user may open: staff every active one, others
    their own (the rest answer 404)."""
    if user.is_staff:
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.of(user)


def funder_organisations(user):
    """The funder organisations (kind « financeur ») where the user has the role
    « financeur »: what the funder's pages show is limited to their conventions."""
    return Organisation.objects.of(user, roles=[Role.FINANCEUR]).filter(
        kind=OrganisationKind.FINANCEUR
    )


def is_funder(user):
    """A member of the funder with the role « financeur »."""
    return funder_organisations(user).exists()
