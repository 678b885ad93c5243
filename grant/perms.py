"""Who may do what with the grant: small named predicates."""

from partners.models import Organisation
from partners.perms import can_manage_members, manageable_organisations


def can_see_organisation_statistics(user, organisation):
    """An organisation's statistics: its administrateur, and staff (others get 404)."""
    return can_manage_members(user, organisation)


def statistics_organisations(user):
    """The organisations whose statistics « Mes statistiques » links to: those the user
    belongs to and may see the statistics of (staff too: only their own, the others
    are on « Pilotage »)."""
    return manageable_organisations(user).filter(pk__in=Organisation.objects.of(user))
