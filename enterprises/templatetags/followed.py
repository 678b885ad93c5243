"""« Mon espace » lists the enterprises the user follows (the rule is
EnterpriseQuerySet.followed_by) and staff's pending access requests."""

from django import template

from enterprises.enums import AccessRequestStatus
from enterprises.models import AccessRequest, Enterprise

register = template.Library()


@register.simple_tag
def followed_enterprises(user, limit=8):
    """The first enterprises the user follows, by name, and how many there are."""
    queryset = Enterprise.objects.visible_to(user).followed_by(user).order_by("name", "id")
    return {"first": list(queryset.only("name", "trade_name")[:limit]), "count": queryset.count()}


@register.simple_tag
def pending_access_requests():
    return AccessRequest.objects.filter(status=AccessRequestStatus.PENDING).count()
