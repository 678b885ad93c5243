from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .models import Convention


def pilotage(request):
    """Staff's entry page: the figures arrive with the report issue; the admin is one click away."""
    if not request.user.is_staff:
        raise PermissionDenied("Le pilotage est réservé à l'équipe de la Métropole.")
    conventions = Convention.objects.select_related("funder").order_by("-deliberation_date")
    return render(request, "grant/pilotage.html", {"conventions": conventions})
