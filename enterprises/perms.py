"""Who may do what with an enterprise: small named predicates over the visibility rule."""

from functools import wraps

from django.http import Http404

from partners.models import Membership
from partners.perms import WRITING_ROLES


def writing_organisation_ids(user):
    """Organisations where the user may write (administrateur or conseiller)."""
    return (
        Membership.objects.active()
        .filter(user=user, role__in=WRITING_ROLES)
        .values("organisation_id")
    )


def can_create_enterprise(user):
    """Staff, or anyone who writes for at least one organisation."""
    return user.is_staff or writing_organisation_ids(user).exists()


def can_edit_enterprise(user, enterprise):
    """Staff; the referent; a conseiller or administrateur of an organisation it is
    assigned to. Lecteurs only read."""
    if user.is_staff or enterprise.referent_id == user.pk:
        return True
    return enterprise.assignments.filter(
        organisation_id__in=writing_organisation_ids(user)
    ).exists()


def can_see_contacts(user, enterprise):
    """Contacts are personal data: only those who work with the enterprise see them."""
    return can_edit_enterprise(user, enterprise)


def editable_enterprises(user, queryset):
    """The part of `queryset` the user may edit (and whose contacts they may see)."""
    from django.db.models import Q

    from .models import Assignment

    if user.is_staff:
        return queryset
    assigned = Assignment.objects.filter(organisation_id__in=writing_organisation_ids(user))
    return queryset.filter(Q(referent=user) | Q(pk__in=assigned.values("enterprise_id")))


def staff_only(view):
    """Pages for Métropole staff only (the triage of requests to join); others get 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
