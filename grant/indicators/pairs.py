"""Pair à pair (issue 19): pairings started, active and ended, pair sessions and their
hours, enterprises helped by a pair. Their definitions are in definitions.py (« Mises en
relation … », « Séances pair à pair », « Entreprises aidées par un pair »)."""

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from enterprises.enums import ActivityKind, PairingStatus
from enterprises.models import Pairing

from .activities import present_at
from .base import hours
from .definitions import definition

STARTED = (PairingStatus.ACTIVE, PairingStatus.ENDED)


def pair_figures(activities, start, end, enterprises=None):
    """The pair à pair figures of a period: `activities` are the period's activities (as
    filtered for « Pilotage »), `enterprises` the scope of a filtered page (the beginners'
    side of a pairing). Three queries whatever the amount of data."""
    pairings = Pairing.objects.filter(status__in=STARTED)
    if enterprises is not None:
        pairings = pairings.filter(mentee__in=enterprises)
    counts = pairings.aggregate(
        started=Count("id", filter=Q(started_on__range=(start, end))),
        active=Count(
            "id",
            filter=Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start)),
        ),
        ended=Count("id", filter=Q(status=PairingStatus.ENDED, ended_on__range=(start, end))),
    )
    sessions = activities.filter(kind=ActivityKind.PAIR)
    totals = sessions.aggregate(count=Count("id"), minutes=Coalesce(Sum("duration"), Value(0)))
    helped = present_at(sessions)
    if enterprises is not None:
        helped = helped.filter(enterprise__in=enterprises)
    return {
        **counts,
        "sessions": totals["count"],
        "minutes": totals["minutes"],
        "hours": hours(totals["minutes"]),
        "enterprises_helped": helped.values("enterprise_id").distinct().count(),
    }


LABELS = [
    ("started", "Mises en relation pair à pair commencées"),
    ("active", "Mises en relation pair à pair actives"),
    ("ended", "Mises en relation pair à pair terminées"),
    ("sessions", "Séances pair à pair"),
    ("hours", "Heures de séances pair à pair"),
    ("enterprises_helped", "Entreprises aidées par un pair"),
]


def pair_rows(figures):
    """(label, value) of the pair figures, in the order every page prints them."""
    return [(label, figures[key]) for key, label in LABELS]


def pair_rows_defined(figures):
    """(label, value, definition): the pair figures with their definitions."""
    return [(label, value, definition(label)) for label, value in pair_rows(figures)]
