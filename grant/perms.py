"""Who may do what with the grant: small named predicates."""

from partners.enums import Role
from partners.models import Organisation
from partners.perms import can_manage_members


def can_see_organisation_statistics(user, organisation):
    """An organisation's statistics: its administrateur, and staff (others get 404)."""
    return can_manage_members(user, organisation)


def statistics_organisations(user):
    """The organisations whose statistics « Mes statistiques » links to: those the user
    belongs to and may see the statistics of (staff too: only their own, the others
    are on « Pilotage »). That is manageable_organisations(user) among the user's own:
    where they are administrateur, or all of them for staff (who manage every one),
    written as one subquery: building the intersection of both querysets took a third
    of « Mes statistiques » once its figures were kept (tests compare both)."""
    return Organisation.objects.of(user, roles=None if user.is_staff else [Role.ADMIN])
